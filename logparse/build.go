package logparse

import (
	"strconv"
	"strings"
	"unsafe"
)

// A step parses one directive's value: the literal text before it, then the
// value, scanned as its class and place in the format say.
type step struct {
	lit string // the literal text before the value
	// litWord is lit as a little-endian word, when it is at most 4 bytes
	// long, and litMask has the bits of its bytes set.
	litWord, litMask uint32
	litBits          uint32 // 8 × len(lit)
	// dashByte is '-' when dash is set, else a value no byte has.
	dashByte uint32
	// plain: a text value with no rule but "-" and escapes (not %u, %X).
	plain bool
	class scanClass
	scan  scanKind // how Parse scans the value, from class and place
	// quoted: the value sits between double quotes, which belong to the
	// literals around it; it ends at the first quote no backslash escapes.
	quoted bool
	// stop is the text that must follow the value: the next literal plus a
	// fixed start of the next directive (the '[' of %t); "" when the value
	// is the last or is directly followed by another directive.
	stop string
	// stopLast: a token ends at the last stop inside it when the stop
	// starts with a colon ("%v:%p" reads "[::1]:443" as "[::1]" and 443).
	stopLast  bool
	stopBytes []byte // stop, for bytes.Index
	// dash is stop when a "-" followed by it is an absent value, as it is
	// for every scan of a value that may be "-" and ends at a stop that
	// does not start with '-'; "" when that is not so.
	dash string
	// dashes is dash, "-" and the next step's dash when the next value
	// follows dash directly and may be a "-" too: "- - [" for %l %u %t.
	dashes string
	// dashWords: "-"+dash and "-"+dashes (when set) fit in 8 bytes, and
	// are compared as the words dashWord and dashesWord under their masks.
	dashWords                                  bool
	dashWord, dashMask, dashesWord, dashesMask uint64

	last    bool // nothing but the tail follows
	user    bool // %u: "" is an empty user; see plausibleUser
	decode  bool // decode Apache's escapes
	noDash  bool
	request bool
	// need is the group of fields (Parser.Need) the value is stored for:
	// a parser that does not need it scans and checks the value only.
	need Fields
	// member is the offset in Record of the text member the value is
	// stored in (textMember), or -1.
	member  int
	slot    slot
	extra   int // index in Record.extra when slot is slotExtra
	typ     FieldType
	usecs   int64 // microseconds per unit of a duration
	time    *timeLayout
	timeEnd bool

	errLit   *SyntaxError // the literal before the value is missing
	errValue *SyntaxError // the value is not what the directive writes

	nginx nginxStep // a step of an nginx format (nginx_value.go)
}

// build turns the directives into fields and parse steps.
func (f *Format) build(tokens []token, tail string) {
	owners := slotOwners(tokens)
	names := map[string]int{}
	uniqueName := func(name string) string {
		names[name]++
		if n := names[name]; n > 1 {
			return name + "_" + strconv.Itoa(n)
		}
		return name
	}
	f.urlPath, f.query = -1, -1
	f.optionalFrom = -1
	twins := conditionalTwins(tokens)
	for i, t := range tokens {
		d := t.dir
		s := step{lit: t.lit, class: d.class, typ: d.typ, noDash: d.noDash, usecs: d.usecs,
			time: d.time, timeEnd: d.timeEnd, user: t.letter == 'u'}
		s.slot = d.slot
		if owner, ok := owners[d.slot]; !d.clock() && (!ok || owner != i) {
			s.slot, s.extra = slotExtra, f.nExtra
			f.nExtra++
		}
		j := twins[i]
		if j >= 0 {
			// Each instance fills the first one's place, and the "-" of
			// those that do not apply leave it as it is.
			if s.slot == slotExtra {
				f.nExtra-- // the place taken above is not needed
			}
			s.slot, s.extra = f.steps[j].slot, f.steps[j].extra
		}
		s.request = d.request && s.slot == slotRequest
		switch {
		case s.request:
			s.need = FieldRequest
		case s.slot == slotReferer:
			s.need = FieldReferer
		case s.slot == slotUserAgent:
			s.need = FieldUserAgent
		}
		s.decode = d.typ == TypeString && d.class != classToken && !d.raw
		directiveText := "%" + braced(t) + string(t.letter) + t.caret
		name := d.name
		if t.letter == 's' && name == "status" && s.slot == slotExtra {
			name = "status_original" // %s beside the final %>s is the original status
		}
		switch {
		case j >= 0: // the field is listed once, with its first directive
			name = f.steps[j].errValue.Field
		case d.clock():
			f.hasTime = f.hasTime || s.slot == slotTime
			if d.class == classStrftime {
				f.pieces = true
			}
			if fd, ok := f.fieldOf(s.slot); ok {
				name = fd.Name // one more piece of a clock that has its field
			} else {
				name = uniqueName(name)
				f.fields = append(f.fields, Field{Name: name, Type: TypeTime, Directive: directiveText, slot: s.slot})
				if s.slot == slotTime {
					f.errClock = syntaxErr(name, "the time pieces do not make a valid time")
				} else {
					f.errClockEnd = syntaxErr(name, "the time pieces do not make a valid time")
				}
			}
		case s.request:
			name = uniqueName("request")
			f.fields = append(f.fields,
				Field{Name: name, Type: TypeString, Directive: directiveText, slot: slotRequest},
				Field{Name: uniqueName("method"), Type: TypeString, Directive: directiveText, slot: slotMethod},
				Field{Name: uniqueName("target"), Type: TypeString, Directive: directiveText, slot: slotTarget},
				Field{Name: uniqueName("protocol"), Type: TypeString, Directive: directiveText, slot: slotProtocol})
		default:
			name = uniqueName(name)
			f.fields = append(f.fields, Field{Name: name, Type: d.typ, Directive: directiveText,
				slot: s.slot + slot(s.extra), unit: max(d.usecs, 1)})
		}
		switch t.letter {
		case 'U':
			if _, ok := owners[slotTarget]; !ok && f.urlPath < 0 {
				f.urlPath = s.extra
			}
		case 'q':
			if s.slot == slotExtra && f.query < 0 {
				f.query = s.extra
			}
		}
		s.errLit = syntaxErr(name, "missing "+strconv.Quote(t.lit)+" before it")
		s.errValue = syntaxErr(name, valueMessage(d))
		f.steps = append(f.steps, s)
	}
	f.tail = tail
	f.errTail = syntaxErr("line", "missing "+strconv.Quote(tail)+" at the end")
	f.dateless = [2]bool{!clockDated(tokens, false), !clockDated(tokens, true)}
	f.hasTime = f.hasTime && !f.dateless[0]
	f.linkSteps()
	f.findOptionalTail(tokens)
}

// conditionalTwins returns, for each directive, the earlier one whose
// field it logs too under status conditions, as in "%400r" "%r" or
// "%!200{Referer}i" "%{Referer}i", or -1: the same directive with the same
// modifier, one of the two with a condition. %400s and %>s are two fields.
func conditionalTwins(tokens []token) []int {
	twins := make([]int, len(tokens))
	first := map[string]int{}
	for i, t := range tokens {
		twins[i] = -1
		if t.dir.clock() {
			continue
		}
		key := t.dir.name + "/" + strconv.Itoa(t.dir.priority)
		j, seen := first[key]
		switch {
		case !seen:
			first[key] = i
		case t.cond || tokens[j].cond:
			twins[i] = j
		}
	}
	return twins
}

// clockDated reports whether the pieces of a clock (the begin time, or
// the end time when end is set) can give a date: a %t, an epoch, or a year
// with a month and day or a day of the year. One that cannot (%{%H:%M:%S}t)
// leaves the record's time null rather than failing every line.
func clockDated(tokens []token, end bool) bool {
	var layouts []*timeLayout
	for _, t := range tokens {
		switch d := t.dir; {
		case !d.clock() || d.timeEnd != end:
		case d.class == classCLFTime:
			return true
		default:
			layouts = append(layouts, d.time)
		}
	}
	return datedLayouts(layouts)
}

func braced(t token) string {
	if t.arg == "" {
		return ""
	}
	return "{" + t.arg + "}"
}

// slotOwners picks, for each typed Record member, the directive that fills
// it: the lowest priority, then the first. The others go to Record.extra.
// The pieces of a clock (%t, %{format}t) all fill it together: not here.
func slotOwners(tokens []token) map[slot]int {
	owners := map[slot]int{}
	for i, t := range tokens {
		s := t.dir.slot
		if s == slotNone || s == slotTime || s == slotTimeEnd {
			continue
		}
		if cur, ok := owners[s]; !ok || t.dir.priority < tokens[cur].dir.priority {
			owners[s] = i
		}
	}
	if i, ok := owners[slotRequest]; ok {
		owners[slotMethod], owners[slotTarget], owners[slotProtocol] = i, i, i
	}
	return owners
}

func (f *Format) fieldOf(s slot) (Field, bool) {
	for _, fd := range f.fields {
		if fd.slot == s {
			return fd, true
		}
	}
	return Field{}, false
}

func valueMessage(d directive) string {
	switch d.class {
	case classNumber:
		return "not a number or -"
	case classStatus:
		return "not a 3-digit code or -"
	case classCLFTime:
		return "not [dd/Mon/yyyy:HH:MM:SS +hhmm]"
	case classStrftime:
		return "not a time in the format's layout"
	case classHex:
		return "not hexadecimal digits or -"
	}
	return "missing or unterminated"
}

// linkSteps works out where each value ends, from what follows it.
func (f *Format) linkSteps() {
	for i := range f.steps {
		s := &f.steps[i]
		next, nextQuote := f.tail, strings.HasPrefix(f.tail, `"`)
		if i+1 < len(f.steps) {
			n := &f.steps[i+1]
			next, nextQuote = n.lit, strings.HasPrefix(n.lit, `"`)
			switch {
			case n.class == classCLFTime:
				next += "["
			case n.lit == "":
				next = "" // two directives with nothing between: the class decides
			}
		} else {
			s.last = true
		}
		s.quoted = strings.HasSuffix(s.lit, `"`) && nextQuote
		s.stop, s.stopBytes = next, []byte(next)
		// Only a colon is ambiguous in a token: an IPv6 address holds some.
		s.stopLast = s.class == classToken && strings.HasPrefix(s.stop, ":") && !strings.Contains(s.stop, " ")
		switch {
		case s.class == classCLFTime: // quotes around a time are literals
			s.scan = scanCLFTime
		case s.class == classStrftime:
			s.scan = scanStrftime
		case s.quoted:
			s.scan = scanQuoted
		case s.class == classRequest && !(s.last && s.stop == ""):
			// Unquoted, a request line is read as its three words
			// (the last %r of a line runs to its end, as text does).
			s.scan = scanRequest
			s.errValue = syntaxErr(s.errValue.Field, "not METHOD TARGET PROTOCOL or - (an unquoted request line)")
		case s.class == classNumber || s.class == classStatus:
			s.scan = scanNumber
		case s.class == classToken && strings.HasPrefix(s.stop, " "):
			s.scan = scanSpace
		}
		// plain values may be stored inline, skipping storeText; an empty
		// one (a malformed host) still goes through it.
		s.plain = s.typ == TypeString && !s.user && !s.noDash
	}
	f.linkFastPaths()
}

// linkFastPaths works out what parseSteps' fast paths need: the literal
// as a word, the "-" values that may be skipped, the member a value is
// stored in.
func (f *Format) linkFastPaths() {
	for i := range f.steps {
		s := &f.steps[i]
		if len(s.lit) <= 4 {
			w, m := littleEndianWord(s.lit)
			s.litWord, s.litMask = uint32(w), uint32(m)
		}
		s.litBits = 8 * uint32(len(s.lit))
		s.dashByte = 0x100
		if !s.noDash && !s.stopLast && s.stop != "" && s.stop[0] != '-' {
			s.dash, s.dashByte = s.stop, '-'
		}
		s.member = -1
		var r Record
		if m := r.textMember(s.slot); m != nil {
			s.member = int(uintptr(unsafe.Pointer(m)) - uintptr(unsafe.Pointer(&r)))
		}
	}
	for i := 0; i+1 < len(f.steps); i++ {
		s, next := &f.steps[i], &f.steps[i+1]
		if s.dash != "" && s.dash == next.lit && next.dash != "" {
			s.dashes = s.dash + "-" + next.dash
		}
	}
	for i := range f.steps {
		s := &f.steps[i]
		s.dashesWord = 1 // with a zero mask: never matches
		s.dashWords = s.dash != "" && len(s.dash) < 8 && len(s.dashes) < 8
		if s.dashWords {
			s.dashWord, s.dashMask = littleEndianWord("-" + s.dash)
			if s.dashes != "" {
				s.dashesWord, s.dashesMask = littleEndianWord("-" + s.dashes)
			}
		}
	}
}

// findOptionalTail lets a format that extends common (…%>s %b followed by
// more fields, like combined and vhost_combined) accept a line that ends
// right after %b, as servers logging common lines to a combined log write.
func (f *Format) findOptionalTail(tokens []token) {
	for i := 2; i < len(tokens); i++ {
		bytesDir := tokens[i-1].dir.slot == slotBytes
		statusDir := tokens[i-2].dir.class == classStatus
		if bytesDir && statusDir && strings.HasPrefix(tokens[i].lit, " ") {
			f.optionalFrom = i
			return
		}
	}
}

// littleEndianWord returns the first bytes of a word that holds s (at most
// 8 bytes) as binary.LittleEndian reads it, and the mask of those bytes.
func littleEndianWord(s string) (word, mask uint64) {
	for j := len(s) - 1; j >= 0; j-- {
		word, mask = word<<8|uint64(s[j]), mask<<8|0xff
	}
	return word, mask
}
