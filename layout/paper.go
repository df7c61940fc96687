package layout

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// LineKind says what one line of a paper template is.
type LineKind int

const (
	// LineText is a printed paragraph: literal text, write-in blanks and tick boxes.
	LineText LineKind = iota
	// LineTitle is a heading printed centred on its own line (@title).
	LineTitle
	// LineTable is where a table grid is printed (@table T1); PaperLine.Table names it.
	LineTable
	// LineSpace is vertical space between paragraphs (an empty template line).
	LineSpace
	// LinePageBreakHint marks a good place to start a new page (@pagebreak-hint).
	LinePageBreakHint
)

// String returns the kind's name as used in tests and debugging output.
func (k LineKind) String() string {
	switch k {
	case LineText:
		return "text"
	case LineTitle:
		return "title"
	case LineTable:
		return "table"
	case LineSpace:
		return "space"
	case LinePageBreakHint:
		return "pagebreak-hint"
	}
	return "LineKind(" + strconv.Itoa(int(k)) + ")"
}

// SegmentKind says what one piece of a printed paragraph is.
type SegmentKind int

const (
	// SegText is literal printed text (Segment.Text).
	SegText SegmentKind = iota
	// SegBlank is a write-in blank of Segment.FieldID, Segment.Width full-width
	// characters wide (0: no printed underline, the answer goes in the space around it).
	SegBlank
	// SegBox is the printed “（ ）” tick box of option Segment.Option of tick field
	// Segment.FieldID. The box includes its printed parentheses.
	SegBox
)

// Segment is one piece of a printed paragraph.
type Segment struct {
	Kind    SegmentKind
	Text    string // SegText: the printed text, spaces kept as printed
	FieldID string // SegBlank, SegBox
	Width   int    // SegBlank: printed width in full-width characters; 0 = unprinted area
	Option  int    // SegBox: the option code the box stands for
}

// BoxText is how a tick box is printed.
const BoxText = "（ ）"

// PaperLine is one line of a paper template: a printed paragraph, a title, a table
// grid, vertical space or a page-break hint. Printers break paragraphs into lines
// and pages differently; a PaperLine is a whole paragraph.
type PaperLine struct {
	Kind     LineKind
	Segments []Segment // LineText and LineTitle
	Table    string    // LineTable: the table id (T1)
	Source   int       // 1-based line number in the template file
}

// PlainText returns the printed text of the line: literal text as printed, tick
// boxes as “（ ）” and blanks left out. It is what an OCR engine should read on a
// blank form, up to line breaks and spacing.
func (l PaperLine) PlainText() string {
	var b strings.Builder
	for _, s := range l.Segments {
		switch s.Kind {
		case SegText:
			b.WriteString(s.Text)
		case SegBox:
			b.WriteString(BoxText)
		}
	}
	return b.String()
}

// Blanks returns the write-in blanks of the line in reading order.
func (l PaperLine) Blanks() []Segment {
	var out []Segment
	for _, s := range l.Segments {
		if s.Kind == SegBlank {
			out = append(out, s)
		}
	}
	return out
}

// markupRE matches the inside of one [ … ] markup: ID, ID:N (blank) or ID=N (box).
var markupRE = regexp.MustCompile(`^([A-Za-z0-9_.{}]+)(?:([:=])([0-9]+))?$`)

// ParsePaper parses a paper template (see README.md, "Paper templates"). name is
// used in error messages. Errors wrap ErrSyntax and name the template line.
func ParsePaper(name string, data []byte) ([]PaperLine, error) {
	lines, err := parsePaper(name, data)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	return lines, nil
}

// parsePaper is ParsePaper without the package prefix on errors.
func parsePaper(name string, data []byte) ([]PaperLine, error) {
	var out []PaperLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), " \t\r")
		errf := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s: %w", name, n, fmt.Sprintf(format, args...), ErrSyntax)
		}
		switch {
		case raw == "":
			out = append(out, PaperLine{Kind: LineSpace, Source: n})
			continue
		case strings.HasPrefix(raw, "#"):
			continue
		case strings.HasPrefix(raw, "@"):
			word, rest, _ := strings.Cut(raw, " ")
			rest = strings.TrimSpace(rest)
			switch word {
			case "@title":
				if rest == "" {
					return nil, errf("@title needs text")
				}
				out = append(out, PaperLine{Kind: LineTitle, Segments: []Segment{{Kind: SegText, Text: rest}}, Source: n})
			case "@table":
				if rest == "" || strings.ContainsAny(rest, " \t") {
					return nil, errf("@table needs one table id, got %q", rest)
				}
				out = append(out, PaperLine{Kind: LineTable, Table: rest, Source: n})
			case "@pagebreak-hint":
				if rest != "" {
					return nil, errf("@pagebreak-hint takes no argument")
				}
				out = append(out, PaperLine{Kind: LinePageBreakHint, Source: n})
			default:
				return nil, errf("unknown directive %s", word)
			}
			continue
		case strings.HasPrefix(raw, `\`):
			raw = raw[1:] // escaped leading # or @
		}
		segs, err := parseSegments(raw)
		if err != nil {
			return nil, errf("%v", err)
		}
		out = append(out, PaperLine{Kind: LineText, Segments: segs, Source: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

// parseSegments splits one printed paragraph into literal text, blanks and boxes.
func parseSegments(line string) ([]Segment, error) {
	var segs []Segment
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			segs = append(segs, Segment{Kind: SegText, Text: text.String()})
			text.Reset()
		}
	}
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case strings.HasPrefix(line[i:], "[["):
			text.WriteByte('[')
			i += 2
		case strings.HasPrefix(line[i:], "]]"):
			text.WriteByte(']')
			i += 2
		case c == ']':
			return nil, fmt.Errorf("stray ] at byte %d (write ]] for a printed bracket)", i)
		case c == '[':
			end := strings.IndexByte(line[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [ at byte %d", i)
			}
			inner := line[i+1 : i+end]
			m := markupRE.FindStringSubmatch(inner)
			if m == nil {
				return nil, fmt.Errorf("bad markup [%s]", inner)
			}
			num := 0
			if m[3] != "" {
				v, err := strconv.Atoi(m[3])
				if err != nil {
					return nil, fmt.Errorf("bad number in [%s]", inner)
				}
				num = v
			}
			i += end + 1
			if m[2] == "=" {
				// A box is written （[ID=N]）: the printed parentheses belong to it.
				pre := text.String()
				if !strings.HasSuffix(pre, "（") || !strings.HasPrefix(line[i:], "）") {
					return nil, fmt.Errorf("box [%s] must be written （[%s]）", inner, inner)
				}
				text.Reset()
				text.WriteString(strings.TrimSuffix(pre, "（"))
				flush()
				segs = append(segs, Segment{Kind: SegBox, FieldID: m[1], Option: num})
				i += len("）")
				continue
			}
			flush()
			segs = append(segs, Segment{Kind: SegBlank, FieldID: m[1], Width: num})
		default:
			text.WriteByte(c)
			i++
		}
	}
	flush()
	return segs, nil
}
