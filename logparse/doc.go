// Package logparse turns bytes into access-log records: it opens a log stream
// (gzip or plain, sniffed from content), hands out lines with no length limit,
// compiles Apache LogFormat strings, and parses a line into a Record without
// allocating.
//
// Formats: the named ones (Common, Combined, VHostCombined, CombinedIO,
// Referer, Agent, NginxCombined) or any mod_log_config string (Compile).
// Common and Combined have a hand-written parser; the others run the
// compiled steps of their LogFormat, held to the hand-written ones in the
// tests. JSON access logs (CaddyJSON, TraefikJSON, NginxJSON, JSON, and
// json: key mappings: ParseJSONMapping) and W3C extended logs (W3C, whose
// Parser keeps the last #Fields) have parsers of their own. Detect picks
// among vhost_combined, combined, common, the JSON key sets and W3C per
// input; Nearest says why none fits.
//
// Parsing policy, shared by every format:
//   - "-" in a field means absent: a nil slice for text, -1 for numbers
//     (%X excepted, where "-" is a connection status); %u logged as ""
//     is an empty user;
//   - Apache's escapes (\" \\ \n \t \r \b \v \xHH) are decoded in quoted
//     and text fields; a quoted value ends at the first quote no backslash
//     escapes, so "\" " is inside it;
//   - the request line is METHOD SP TARGET [SP PROTOCOL]; the protocol is a
//     last token starting "HTTP/", the target is everything between (spaces
//     included); any other request leaves Method and Target empty;
//   - %t keeps its logged offset (Record.Offset) and Record.Time is the
//     instant, so times compare whatever offset each line has;
//   - %h is kept as logged; AppendCanonicalHost canonicalises a real
//     address (IPv4, IPv6 with or without brackets or zone, IPv4-mapped)
//     and keeps host:port and names as they are;
//   - text after the format's last field, after a space, is ignored;
//   - a format that extends common (%>s %b then more fields, as combined
//     does) also accepts a line that ends right after %b;
//   - any other line that does not parse fully is malformed: Parse returns
//     a *SyntaxError naming the field and the caller counts it; nothing
//     aborts on a bad line.
package logparse
