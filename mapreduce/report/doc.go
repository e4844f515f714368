// Package report renders the result of the report job (jobs.RunReport) as
// one self-contained HTML page, or as the JSON data the page embeds.
package report
