package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"papergate/layout"
)

// answers is the ground truth of one return: every field of the forms the unit
// fills in, null where left blank.
type answers struct {
	unit    unit
	forms   []*layout.Form
	values  map[string]any           // field id → normalised value; nil or absent = null
	fields  map[string]*layout.Field // every field id of the return (tables: present columns only)
	order   map[string][]string      // form id → field ids in export order
	columns map[string][]string      // table id → present column ids, in order
	issues  map[string]layout.Issue
	// written is what stands on the paper for a field whose value (or issue)
	// came from writing, before rendering picks a style. Ticks have none.
	written map[string]string
	people  map[string]person // name fields → the person, for e-mail addresses
}

func (a *answers) get(id string) any {
	if id == layout.UnitLevelRef {
		return a.unit.level
	}
	return a.values[id]
}

// applies reports whether f's when-condition holds (its chain holds because a
// field whose condition failed is null, and a comparison with null is false).
func (a *answers) applies(f *layout.Field) bool {
	return f.When == nil || f.When.Holds(a.get)
}

// genAnswers draws a valid return for the given unit.
func genAnswers(rng *rand.Rand, cat *layout.Catalog, u unit) (*answers, error) {
	forms, err := cat.FormsForLevel(layout.Level(u.level))
	if err != nil {
		return nil, fmt.Errorf("synth: forms for %s: %w", u.level, err)
	}
	a := &answers{
		unit: u, forms: forms,
		values: map[string]any{}, fields: map[string]*layout.Field{},
		order: map[string][]string{}, columns: map[string][]string{},
		issues: map[string]layout.Issue{}, written: map[string]string{},
		people: map[string]person{},
	}
	g := &valueGen{rng: rng, a: a}
	for _, form := range forms {
		for _, f := range append(slices.Clone(form.Fields), form.Header...) {
			a.fields[f.ID] = f
			a.order[form.ID] = append(a.order[form.ID], f.ID)
			if !a.applies(f) {
				continue
			}
			if !f.Required && !g.optional(f) {
				continue
			}
			if v := g.value(f); v != nil {
				a.values[f.ID] = v
			}
		}
		// Tables: decide how many systems each table lists, then fill column by column.
		for _, t := range form.Tables {
			n := g.columnCount(t)
			for i := range n {
				a.columns[t.ID] = append(a.columns[t.ID], t.Column(i))
			}
		}
		for _, t := range form.Tables {
			names := slices.Clone(t1Names)
			if t.Scheme == layout.Roman {
				names = slices.Clone(t2Names)
			}
			rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
			for ci, col := range a.columns[t.ID] {
				g.col, g.table, g.sysName = col, t, names[ci%len(names)]
				for _, f := range t.Cells(col) {
					a.fields[f.ID] = f
					a.order[form.ID] = append(a.order[form.ID], f.ID)
					if !a.applies(f) || (!f.Required && !g.optional(f)) {
						continue
					}
					if v := g.value(f); v != nil {
						a.values[f.ID] = v
					}
				}
			}
		}
	}
	g.addIssues()
	return a, nil
}

// valueGen draws values field by field.
type valueGen struct {
	rng     *rand.Rand
	a       *answers
	table   *layout.Table
	col     string
	sysName string
}

// columnCount draws how many systems a table lists: T1 1–5, T2 0–4.
func (g *valueGen) columnCount(t *layout.Table) int {
	x := g.rng.Float64()
	if t.Scheme == layout.Roman {
		switch {
		case x < 0.22:
			return 0
		case x < 0.55:
			return 1
		case x < 0.8:
			return 2
		case x < 0.92:
			return 3
		}
		return 4
	}
	switch {
	case x < 0.15:
		return 1
	case x < 0.45:
		return 2
	case x < 0.75:
		return 3
	case x < 0.9:
		return 4
	}
	return 5
}

// optional decides whether an optional applicable field is answered.
func (g *valueGen) optional(f *layout.Field) bool {
	id := f.ID
	p := 0.6
	switch {
	case strings.HasSuffix(id, ".fax"):
		p = 0.55
	case strings.HasSuffix(id, ".mobile"):
		p = 0.7
	case strings.HasSuffix(id, ".email"):
		p = 0.6
	case strings.Contains(f.Label, "网站2"), strings.Contains(f.Label, "〔网站2"):
		p = 0.45
	case strings.Contains(f.Label, "网站3"), strings.Contains(f.Label, "〔网站3"):
		p = 0.2
	case strings.Contains(f.Label, "MCU"), strings.Contains(f.Label, "视频终端"):
		// Only units with video conferencing name their equipment.
		p = 0.1
		for _, other := range g.a.order[f.Form] {
			if o := g.a.fields[other]; o != nil && strings.Contains(o.Label, "视频会议系统连接") {
				if n, ok := g.a.values[other].(int64); ok && n > 0 {
					p = 0.85
				}
			}
		}
	case f.Type == layout.TypeLinks:
		p = 0.75
	case f.Type == layout.TypeCodes:
		p = 0.85
	case f.Type == layout.TypeText && f.Anchor.Kind == layout.AnchorArea:
		p = 0.45
	}
	return g.rng.Float64() < p
}

// value draws a normalised value for an applicable field.
func (g *valueGen) value(f *layout.Field) any {
	switch f.Type {
	case layout.TypeTick, layout.TypeCode:
		return int64(g.option(f))
	case layout.TypeCodes:
		return g.codes(f)
	case layout.TypeInt:
		return g.integer(f)
	case layout.TypeDecimal:
		return g.decimal(f)
	case layout.TypePercent:
		if g.rng.Float64() < 0.2 {
			return float64(30+g.rng.IntN(140)) / 2
		}
		return float64(20 + g.rng.IntN(81))
	case layout.TypeDate:
		return g.date(f)
	case layout.TypeName:
		p := pickPerson(g.rng)
		g.a.people[f.ID] = p
		return p.name
	case layout.TypePhone:
		return g.phone(f)
	case layout.TypeMobile:
		return pick(g.rng, []string{"13", "13", "13", "15"}) + fmt.Sprint(g.rng.IntN(10)) + fmt.Sprintf("%08d", g.rng.IntN(100000000))
	case layout.TypeEmail:
		return g.email(f)
	case layout.TypeURL:
		return g.url(f)
	case layout.TypeRegionCode:
		return g.a.unit.code
	case layout.TypeLinks:
		return g.links(f)
	case layout.TypeText:
		return g.text(f)
	}
	return nil
}

// weightedOption draws an option code: earlier options more likely, 其他 rare.
func (g *valueGen) option(f *layout.Field) int {
	opts := f.Options
	// Table rows whose choice depends on the unit's level.
	if f.Table != "" && (f.Row == 2) {
		if g.a.unit.level == "province" {
			return pick(g.rng, []int{1, 1, 1, 2, 2, 3})
		}
		return pick(g.rng, []int{4, 4, 4, 5, 5, 6, 7})
	}
	if f.Table != "" && strings.Contains(f.Label, "项目进展") {
		return pick(g.rng, []int{5, 5, 5, 5, 4, 4, 3, 3, 2, 1})
	}
	if f.Table != "" && strings.Contains(f.Label, "数据库类型") {
		return pick(g.rng, []int{1, 1, 1, 1, 1, 1, 2, 2, 3})
	}
	if f.Table != "" && strings.Contains(f.Label, "服务器型号") {
		return pick(g.rng, []int{1, 1, 1, 1, 2, 2, 3, 4})
	}
	if f.Table != "" && f.Row >= 19 {
		return pick(g.rng, []int{1, 1, 2, 2, 2, 3, 3, 4})
	}
	w := make([]float64, len(opts))
	total := 0.0
	for i, o := range opts {
		w[i] = 1 / (1 + 0.6*float64(i))
		if strings.Contains(o.Label, "其他") {
			w[i] = 0.12
		}
		// Options selected by writing in a blank (no box) are chosen rarely.
		if _, byText := f.SelectedBy[o.Code]; byText {
			w[i] = 0.06
		}
		total += w[i]
	}
	x := g.rng.Float64() * total
	for i, o := range opts {
		x -= w[i]
		if x < 0 {
			return o.Code
		}
	}
	return opts[len(opts)-1].Code
}

func (g *valueGen) codes(f *layout.Field) any {
	// A subset check: draw from the superset.
	if f.Check != nil && f.Check.Op == layout.OpSubset && f.Check.Left[0] == f.ID {
		sup, _ := g.a.values[f.Check.Right].([]int)
		var out []int
		for _, c := range sup {
			if g.rng.Float64() < 0.5 {
				out = append(out, c)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	if len(f.Exclusive) > 0 && g.rng.Float64() < 0.2 {
		return []int{f.Exclusive[0]}
	}
	var cand []int
	for _, o := range f.Options {
		if slices.Contains(f.Exclusive, o.Code) {
			continue
		}
		cand = append(cand, o.Code)
	}
	var out []int
	for _, c := range cand {
		o, _ := f.Option(c)
		p := 0.45 - 0.05*float64(len(out))
		if strings.Contains(o.Label, "其他") {
			p = 0.1
		}
		if g.rng.Float64() < p {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		out = []int{cand[g.rng.IntN(min(len(cand), 3))]}
	}
	return out
}

// bound returns the upper limit a check puts on f, or +Inf.
func (g *valueGen) bound(f *layout.Field) float64 {
	if f.Check == nil || f.Check.Op != layout.OpLE || !slices.Contains(f.Check.Left, f.ID) {
		return math.Inf(1)
	}
	r, ok := toF(g.a.values[f.Check.Right])
	if !ok {
		return math.Inf(1)
	}
	for _, id := range f.Check.Left {
		if id != f.ID {
			v, _ := toF(g.a.values[id])
			r -= v
		}
	}
	return math.Max(0, r)
}

func toF(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// sibling returns the value of the field in the same form whose label contains key.
func (g *valueGen) sibling(f *layout.Field, key string) (float64, bool) {
	for _, id := range g.a.order[f.Form] {
		if o := g.a.fields[id]; o != nil && o.ID != f.ID && strings.Contains(o.Label, key) {
			if v, ok := toF(g.a.values[id]); ok {
				return v, true
			}
		}
	}
	return 0, false
}

func (g *valueGen) between(lo, hi int) int64 { return int64(lo + g.rng.IntN(hi-lo+1)) }

func (g *valueGen) integer(f *layout.Field) any {
	l := f.Label
	var v int64
	prov := g.a.unit.level == "province"
	switch {
	case strings.Contains(l, "编制人数"):
		v = g.between(4, 45)
	case strings.Contains(l, "专业技术人数"):
		v = g.between(2, 40)
	case strings.Contains(l, "现有人数"):
		v = g.between(4, 50)
		if q, ok := g.sibling(f, "编制人数"); ok && f.Row == 0 {
			v = int64(math.Round(q * (0.7 + g.rng.Float64()*0.5)))
		}
	case strings.Contains(l, "维护人数"):
		v = g.between(2, 25)
	case strings.Contains(l, "地市个数") && f.Check == nil:
		v = g.between(7, 21)
	case strings.Contains(l, "区县个数") && f.Check == nil:
		v = g.between(3, 18)
	case strings.Contains(l, "经办机构个数") && f.Check == nil:
		v = g.between(5, 40)
	case strings.Contains(l, "街道个数") && f.Check == nil:
		v = g.between(8, 120)
	case strings.Contains(l, "社区个数") && f.Check == nil:
		v = g.between(40, 1500)
	case strings.Contains(l, "定点医疗机构个数"):
		v = g.between(30, 900)
	case strings.Contains(l, "定点药店个数"):
		v = g.between(20, 1200)
	case strings.Contains(l, "发卡数量"):
		if prov {
			v = g.between(5, 900) * 10000
		} else {
			v = g.between(1, 300) * 10000
		}
		if g.rng.Float64() < 0.4 {
			v += g.between(0, 9999)
		}
	default:
		v = g.between(1, 20)
	}
	if b := g.bound(f); !math.IsInf(b, 1) {
		v = int64(math.Round(b * g.rng.Float64() * 1.0))
		if g.rng.Float64() < 0.3 {
			v = int64(b)
		}
	} else if strings.Contains(l, "个数") && f.Check == nil {
		// Counts under a total that the codebook does not check still stay under it.
		if tot, ok := g.sibling(f, "本市辖区内区县个数"); ok && strings.Contains(l, "区县") && strings.Contains(l, "连接") {
			v = int64(math.Round(tot * g.rng.Float64()))
		}
	}
	return v
}

func (g *valueGen) decimal(f *layout.Field) any {
	l := f.Label
	scale := 1.0
	if g.a.unit.level == "prefecture" {
		scale = 0.25
	}
	var v float64
	switch {
	case f.Unit == "万人":
		v = float64(g.between(5, 800))
		if g.rng.Float64() < 0.4 {
			v += float64(g.rng.IntN(10)) / 10
		}
		return v
	case strings.Contains(l, "批复金额"):
		v = float64(g.between(500, 30000)) * scale
	case strings.Contains(l, "其他渠道"):
		v = float64(g.between(0, 3000)) * scale
	case strings.Contains(l, "总投入"):
		v = float64(g.between(300, 25000)) * scale
	default:
		v = float64(g.between(50, 8000)) * scale
	}
	v = math.Round(v)
	if g.rng.Float64() < 0.25 {
		v += float64(g.rng.IntN(10)) / 10
	}
	if b := g.bound(f); !math.IsInf(b, 1) {
		v = b * (0.2 + g.rng.Float64()*0.7)
		if strings.Contains(l, "到位") && g.rng.Float64() < 0.3 {
			v = b
		}
		// One decimal at most, never above the bound.
		v = math.Floor(v*10) / 10
		if g.rng.Float64() < 0.7 {
			v = math.Floor(v)
		}
	}
	return v
}

func (g *valueGen) date(f *layout.Field) any {
	l := f.Label
	var y, m, d int
	switch {
	case strings.Contains(l, "预计") || strings.Contains(l, "拟") || strings.Contains(l, "计划"):
		y, m = 2006+g.rng.IntN(3), 1+g.rng.IntN(12)
		if y == 2006 && m < 7 {
			m += 6
		}
	case f.Table != "" && strings.Contains(l, "合同"):
		y, m = 2000+g.rng.IntN(6), 1+g.rng.IntN(12)
	case f.Table != "" && strings.Contains(l, "上线"):
		y, m = 2001+g.rng.IntN(6), 1+g.rng.IntN(12)
		// Go-live comes after the contract.
		if c, ok := g.a.values[strings.TrimSuffix(f.ID, ".7")+".5"].(string); ok && len(c) >= 7 {
			var cy, cm int
			fmt.Sscanf(c, "%d-%d", &cy, &cm)
			months := cy*12 + cm - 1 + 3 + g.rng.IntN(24)
			y, m = months/12, months%12+1
			if y*12+m > 2006*12+6 {
				y, m = 2006, 1+g.rng.IntN(6)
			}
		}
	default:
		y, m = 1996+g.rng.IntN(11), 1+g.rng.IntN(12)
		if y == 2006 {
			m = 1 + g.rng.IntN(6)
		}
	}
	d = 1 + g.rng.IntN(28)
	switch f.Precision {
	case "year":
		return fmt.Sprintf("%04d", y)
	case "day":
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	if g.rng.Float64() < 0.05 {
		return fmt.Sprintf("%04d", y) // some write only the year
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}

func (g *valueGen) phone(f *layout.Field) string {
	area := g.a.unit.area
	n := 8
	if len(area) == 4 && g.rng.Float64() < 0.3 {
		n = 7
	}
	first := 2 + g.rng.IntN(7)
	num := fmt.Sprint(first)
	for range n - 1 {
		num += fmt.Sprint(g.rng.IntN(10))
	}
	s := area + "-" + num
	if f.Table != "" && g.rng.Float64() < 0.35 {
		// Vendors' project managers often give a mobile number.
		return pick(g.rng, []string{"13", "13", "15"}) + fmt.Sprint(g.rng.IntN(10)) + fmt.Sprintf("%08d", g.rng.IntN(100000000))
	}
	if !strings.HasSuffix(f.ID, ".fax") && g.rng.Float64() < 0.15 {
		s += "-" + fmt.Sprint(100+g.rng.IntN(900)) // an extension
	}
	return s
}

func (g *valueGen) email(f *layout.Field) string {
	name := strings.TrimSuffix(f.ID, ".email") + ".name"
	p, ok := g.a.people[name]
	if !ok {
		p = pickPerson(g.rng)
	}
	local := p.ini
	if g.rng.Float64() < 0.4 {
		local = p.py
	}
	if g.rng.Float64() < 0.2 {
		local += fmt.Sprint(g.rng.IntN(100))
	}
	dom := pick(g.rng, []string{g.a.unit.domain, g.a.unit.domain, "163.com", "126.com", "sina.com", "sohu.com"})
	return local + "@" + dom
}

func (g *valueGen) url(f *layout.Field) string {
	host := "www." + g.a.unit.domain
	if !strings.Contains(f.Label, "网址") || strings.Contains(f.Label, "网站1") || strings.Contains(f.Label, "网站2") || strings.Contains(f.Label, "网站3") {
		host = pick(g.rng, []string{"www.", "", "si.", "job."}) + g.a.unit.py + pick(g.rng, []string{"job.gov.cn", "si.gov.cn", "12333.com", "hrss.cn", "rc.gov.cn"})
		host = strings.TrimPrefix(host, ".")
	}
	if g.rng.Float64() < 0.2 {
		return "http://" + host
	}
	return host
}

func (g *valueGen) links(f *layout.Field) any {
	var out []string
	for _, c := range []string{"1", "2", "3", "4"} {
		if g.rng.Float64() < 0.25 {
			out = append(out, c)
		}
	}
	if g.rng.Float64() < 0.08 {
		out = append(out, "5")
	}
	tables := make([]string, 0, len(g.a.columns))
	for t := range g.a.columns {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, tid := range tables {
		for _, c := range g.a.columns[tid] {
			if c == g.col && tid == g.table.ID {
				continue // a column never lists itself
			}
			if g.rng.Float64() < 0.3 {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (g *valueGen) text(f *layout.Field) string {
	l, id := f.Label, f.ID
	u := g.a.unit
	switch {
	case id == "Q3.province":
		return u.provName
	case id == "Q3.city":
		if u.cityName != "" {
			return u.cityName
		}
		return u.provName
	case strings.HasSuffix(id, ".title"):
		if u.level == "province" {
			return pick(g.rng, provTitles)
		}
		return pick(g.rng, cityTitles)
	case strings.Contains(l, "综合管理部门"):
		return pick(g.rng, mgmtDepts)
	case strings.Contains(l, "运营商"):
		return pick(g.rng, carriers)
	case strings.Contains(l, "管理机构"):
		return pick(g.rng, callOrgs)
	case strings.Contains(l, "MCU"):
		return pick(g.rng, mcus)
	case strings.Contains(l, "视频终端"):
		return pick(g.rng, terminals)
	case strings.Contains(l, "网站名称") || strings.Contains(l, "名称") && strings.Contains(l, "网站"):
		return strings.TrimSuffix(u.place, "市") + pick(g.rng, websiteSuffix)
	case f.Table != "" && f.Row == 1:
		return g.sysName
	case f.Table != "" && (strings.Contains(l, "技术支持商") || strings.Contains(l, "开发商名称")):
		return pick(g.rng, vendors)
	case f.Part == "version":
		if v, _ := g.a.values[strings.TrimSuffix(id, ".version")].(int64); v == 2 {
			return pick(g.rng, sybaseVers)
		}
		return pick(g.rng, oracleVers)
	case f.Part == "model":
		switch v, _ := g.a.values[strings.TrimSuffix(id, ".model")].(int64); v {
		case 1:
			return pick(g.rng, ibmModels)
		case 2:
			return pick(g.rng, hpModels)
		}
		return pick(g.rng, sunModels)
	case f.Part == "other" && f.Table != "":
		switch {
		case strings.Contains(l, "数据库类型"):
			return pick(g.rng, otherDBs)
		case strings.Contains(l, "服务器"):
			return pick(g.rng, otherServers)
		case strings.Contains(l, "备份"):
			return pick(g.rng, backupOthers)
		case strings.Contains(l, "安全"):
			return pick(g.rng, securOthers)
		case strings.Contains(l, "对接"):
			return pick(g.rng, linkOthers)
		}
		return pick(g.rng, scopeOthers)
	case f.Anchor.Kind == layout.AnchorArea:
		pool := problems
		if strings.Contains(l, "意见和建议") {
			pool = suggestions
		}
		n := 1 + g.rng.IntN(3)
		var b strings.Builder
		for i, k := range g.rng.Perm(len(pool))[:n] {
			if n > 1 {
				fmt.Fprintf(&b, "%d、", i+1)
			}
			b.WriteString(pool[k])
		}
		return b.String()
	}
	return otherText(g.rng, l)
}

// addIssues sometimes makes an optional entry that cannot be normalised (同上
// in a fax blank) or that holds more than its value can (a second phone number).
func (g *valueGen) addIssues() {
	if g.rng.Float64() > 0.12 {
		return
	}
	var faxes, phones []string
	for _, form := range g.a.forms {
		for _, id := range g.a.order[form.ID] {
			f := g.a.fields[id]
			if f.Type != layout.TypePhone || !g.a.applies(f) {
				continue
			}
			if strings.HasSuffix(id, ".fax") {
				faxes = append(faxes, id)
			} else if v, ok := g.a.values[id].(string); ok && strings.Count(v, "-") == 1 {
				phones = append(phones, id)
			}
		}
	}
	var id, raw string
	switch {
	case len(faxes) > 0 && g.rng.Float64() < 0.5:
		id = pick(g.rng, faxes)
		raw = pick(g.rng, []string{"同上", "不详"})
	case len(phones) > 0:
		id = pick(g.rng, phones)
		v := g.a.values[id].(string)
		_, num, _ := strings.Cut(v, "-")
		raw = v + "、" + num[:len(num)-2] + fmt.Sprintf("%02d", g.rng.IntN(100))
	default:
		return
	}
	// The issue is what layout makes of the entry, so truth and recognition agree.
	v, iss := layout.Normalize(g.a.fields[id], raw)
	if iss == nil {
		return
	}
	if v == nil {
		delete(g.a.values, id)
	} else {
		g.a.values[id] = v
	}
	g.a.issues[id] = *iss
	g.a.written[id] = raw
}
