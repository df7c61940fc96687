package ocr

// Alignment of a page's OCR characters against a form template.

// trigramIndex finds which template a page's text comes from: every run of
// three folded characters votes for the templates it occurs in, weighted by
// how rare it is.
type trigramIndex struct {
	tpls []*formTemplate
	hits map[[3]rune][]trigramHit
}

type trigramHit struct {
	tpl int
	pos int32
}

func newTrigramIndex(tpls []*formTemplate) *trigramIndex {
	ix := &trigramIndex{tpls: tpls, hits: map[[3]rune][]trigramHit{}}
	for ti, t := range tpls {
		for i := 0; i+2 < len(t.chars); i++ {
			k := [3]rune{t.chars[i], t.chars[i+1], t.chars[i+2]}
			ix.hits[k] = append(ix.hits[k], trigramHit{tpl: ti, pos: int32(i)})
		}
	}
	return ix
}

// vote returns, per template, the weighted share of the page's trigrams found
// in it, and the number of trigrams tried.
func (ix *trigramIndex) vote(text []rune) ([]float64, int) {
	score := make([]float64, len(ix.tpls))
	n := 0
	seen := map[[3]rune]bool{}
	for i := 0; i+2 < len(text); i++ {
		k := [3]rune{text[i], text[i+1], text[i+2]}
		if seen[k] {
			continue
		}
		seen[k] = true
		n++
		hs := ix.hits[k]
		if len(hs) == 0 {
			continue
		}
		in := make([]bool, len(ix.tpls))
		for _, h := range hs {
			in[h.tpl] = true
		}
		m := 0
		for _, b := range in {
			if b {
				m++
			}
		}
		for t, b := range in {
			if b {
				score[t] += 1 / float64(m)
			}
		}
	}
	return score, n
}

// alignment is the result of aligning a page's characters with a template.
type alignment struct {
	tplOf   []int // per page character: the template index it matched, or -1
	symOf   map[int]int
	score   int
	matches int
	first   int // first and last matched template index
	last    int
}

// align aligns page characters a (every one must be placed: matched or an
// insertion such as handwriting) with a contiguous stretch of template b
// (semi-global: skipping b's start and end is free).
func align(a, b []rune) alignment {
	const (
		match    = 2
		mismatch = -1
		insA     = -1 // a page character with no template counterpart
		delB     = -1 // a template character the OCR missed
	)
	n, m := len(a), len(b)
	res := alignment{tplOf: make([]int, n), symOf: map[int]int{}, first: -1, last: -1}
	for i := range res.tplOf {
		res.tplOf[i] = -1
	}
	if n == 0 || m == 0 {
		return res
	}
	// Traceback: 0 diagonal, 1 up (insertion of a[i]), 2 left (deletion of b[j]).
	tb := make([]uint8, (n+1)*(m+1))
	prev := make([]int32, m+1)
	cur := make([]int32, m+1)
	for j := range prev {
		prev[j] = 0
		tb[j] = 2
	}
	for i := 1; i <= n; i++ {
		cur[0] = int32(i * insA)
		tb[i*(m+1)] = 1
		ai := a[i-1]
		row := tb[i*(m+1):]
		for j := 1; j <= m; j++ {
			s := int32(mismatch)
			if ai == b[j-1] {
				s = match
			}
			best, dir := prev[j-1]+s, uint8(0)
			if v := prev[j] + insA; v > best {
				best, dir = v, 1
			}
			if v := cur[j-1] + delB; v > best {
				best, dir = v, 2
			}
			cur[j] = best
			row[j] = dir
		}
		prev, cur = cur, prev
	}
	// Free end gap on b: best over the last row.
	bj := 0
	for j := 1; j <= m; j++ {
		if prev[j] > prev[bj] {
			bj = j
		}
	}
	res.score = int(prev[bj])
	i, j := n, bj
	for i > 0 && j > 0 {
		switch tb[i*(m+1)+j] {
		case 0:
			if a[i-1] == b[j-1] {
				res.tplOf[i-1] = j - 1
				res.symOf[j-1] = i - 1
				res.matches++
				if res.last < 0 {
					res.last = j - 1
				}
				res.first = j - 1
			}
			i--
			j--
		case 1:
			i--
		default:
			j--
		}
	}
	return res
}
