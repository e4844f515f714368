// Package logparse turns bytes into access-log records: it opens a log stream
// (gzip or plain, sniffed from content), hands out lines with no length limit,
// and parses Apache common and combined lines into a Record without allocating.
//
// Parsing policy, shared by every format:
//   - "-" in a field means absent: a nil slice for text, -1 for numbers;
//   - quoted fields are decoded from Apache's escapes (\" \\ \n \t \xHH);
//   - the request line is METHOD SP TARGET [SP PROTOCOL]; the protocol is a
//     last token starting "HTTP/", the target is everything between (spaces
//     included); any other request leaves Method and Target empty;
//   - text after the format's last field, after a space, is ignored;
//   - the combined format also accepts a line that ends right after %b;
//   - any other line that does not parse fully is malformed: Parse returns an
//     error and the caller counts it; nothing aborts on a bad line.
package logparse
