package synth

import (
	"math/rand/v2"
	"strings"
)

// province is a provincial-level division as of 2006, with a few of its
// prefecture-level cities. Codes are GB/T 2260; area codes are real.
type province struct {
	code   string // 2 digits
	name   string // short name written before 省 (浙江)
	full   string // 浙江省, 广西壮族自治区, 北京市
	py     string // pinyin abbreviation used in web and mail domains
	muni   bool   // 直辖市
	bingt  bool   // 新疆生产建设兵团
	area   string // telephone area code of the capital
	cities []city
}

type city struct {
	code string // 2 digits after the province
	name string // 杭州
	py   string // hz
	area string // 0571
}

// provinces lists the units of the census.
var provinces = []province{
	{"11", "北京", "北京市", "bj", true, false, "010", nil},
	{"12", "天津", "天津市", "tj", true, false, "022", nil},
	{"31", "上海", "上海市", "sh", true, false, "021", nil},
	{"50", "重庆", "重庆市", "cq", true, false, "023", nil},
	{"13", "河北", "河北省", "he", false, false, "0311", []city{{"01", "石家庄", "sjz", "0311"}, {"02", "唐山", "ts", "0315"}, {"04", "邯郸", "hd", "0310"}, {"06", "保定", "bd", "0312"}, {"09", "沧州", "cz", "0317"}}},
	{"14", "山西", "山西省", "sx", false, false, "0351", []city{{"01", "太原", "ty", "0351"}, {"02", "大同", "dt", "0352"}, {"04", "长治", "cz", "0355"}, {"08", "运城", "yc", "0359"}}},
	{"15", "内蒙古", "内蒙古自治区", "nm", false, false, "0471", []city{{"01", "呼和浩特", "hhht", "0471"}, {"02", "包头", "bt", "0472"}, {"06", "鄂尔多斯", "erds", "0477"}}},
	{"21", "辽宁", "辽宁省", "ln", false, false, "024", []city{{"01", "沈阳", "sy", "024"}, {"02", "大连", "dl", "0411"}, {"03", "鞍山", "as", "0412"}, {"04", "抚顺", "fs", "024"}, {"07", "锦州", "jz", "0416"}}},
	{"22", "吉林", "吉林省", "jl", false, false, "0431", []city{{"01", "长春", "cc", "0431"}, {"02", "吉林", "jl", "0432"}, {"03", "四平", "sp", "0434"}}},
	{"23", "黑龙江", "黑龙江省", "hlj", false, false, "0451", []city{{"01", "哈尔滨", "hrb", "0451"}, {"02", "齐齐哈尔", "qqhr", "0452"}, {"06", "大庆", "dq", "0459"}, {"10", "牡丹江", "mdj", "0453"}}},
	{"32", "江苏", "江苏省", "js", false, false, "025", []city{{"01", "南京", "nj", "025"}, {"02", "无锡", "wx", "0510"}, {"03", "徐州", "xz", "0516"}, {"04", "常州", "cz", "0519"}, {"05", "苏州", "sz", "0512"}, {"06", "南通", "nt", "0513"}, {"10", "扬州", "yz", "0514"}}},
	{"33", "浙江", "浙江省", "zj", false, false, "0571", []city{{"01", "杭州", "hz", "0571"}, {"02", "宁波", "nb", "0574"}, {"03", "温州", "wz", "0577"}, {"04", "嘉兴", "jx", "0573"}, {"05", "湖州", "huz", "0572"}, {"06", "绍兴", "sx", "0575"}, {"07", "金华", "jh", "0579"}, {"10", "台州", "tz", "0576"}}},
	{"34", "安徽", "安徽省", "ah", false, false, "0551", []city{{"01", "合肥", "hf", "0551"}, {"02", "芜湖", "wh", "0553"}, {"03", "蚌埠", "bb", "0552"}, {"08", "安庆", "aq", "0556"}}},
	{"35", "福建", "福建省", "fj", false, false, "0591", []city{{"01", "福州", "fz", "0591"}, {"02", "厦门", "xm", "0592"}, {"03", "莆田", "pt", "0594"}, {"05", "泉州", "qz", "0595"}, {"06", "漳州", "zz", "0596"}}},
	{"36", "江西", "江西省", "jx", false, false, "0791", []city{{"01", "南昌", "nc", "0791"}, {"02", "景德镇", "jdz", "0798"}, {"04", "九江", "jj", "0792"}, {"07", "赣州", "gz", "0797"}}},
	{"37", "山东", "山东省", "sd", false, false, "0531", []city{{"01", "济南", "jn", "0531"}, {"02", "青岛", "qd", "0532"}, {"03", "淄博", "zb", "0533"}, {"06", "烟台", "yt", "0535"}, {"07", "潍坊", "wf", "0536"}, {"10", "威海", "wh", "0631"}}},
	{"41", "河南", "河南省", "ha", false, false, "0371", []city{{"01", "郑州", "zz", "0371"}, {"02", "开封", "kf", "0378"}, {"03", "洛阳", "ly", "0379"}, {"07", "新乡", "xx", "0373"}, {"13", "南阳", "ny", "0377"}}},
	{"42", "湖北", "湖北省", "hb", false, false, "027", []city{{"01", "武汉", "wh", "027"}, {"02", "黄石", "hs", "0714"}, {"05", "宜昌", "yc", "0717"}, {"06", "襄樊", "xf", "0710"}}},
	{"43", "湖南", "湖南省", "hn", false, false, "0731", []city{{"01", "长沙", "cs", "0731"}, {"02", "株洲", "zz", "0733"}, {"03", "湘潭", "xt", "0732"}, {"04", "衡阳", "hy", "0734"}, {"06", "岳阳", "yy", "0730"}}},
	{"44", "广东", "广东省", "gd", false, false, "020", []city{{"01", "广州", "gz", "020"}, {"03", "深圳", "sz", "0755"}, {"04", "珠海", "zh", "0756"}, {"05", "汕头", "st", "0754"}, {"06", "佛山", "fs", "0757"}, {"19", "东莞", "dg", "0769"}}},
	{"45", "广西", "广西壮族自治区", "gx", false, false, "0771", []city{{"01", "南宁", "nn", "0771"}, {"02", "柳州", "lz", "0772"}, {"03", "桂林", "gl", "0773"}, {"05", "北海", "bh", "0779"}}},
	{"46", "海南", "海南省", "hi", false, false, "0898", []city{{"01", "海口", "hk", "0898"}, {"02", "三亚", "sy", "0898"}}},
	{"51", "四川", "四川省", "sc", false, false, "028", []city{{"01", "成都", "cd", "028"}, {"03", "自贡", "zg", "0813"}, {"06", "德阳", "dy", "0838"}, {"07", "绵阳", "my", "0816"}, {"13", "南充", "nc", "0817"}}},
	{"52", "贵州", "贵州省", "gz", false, false, "0851", []city{{"01", "贵阳", "gy", "0851"}, {"02", "六盘水", "lps", "0858"}, {"03", "遵义", "zy", "0852"}}},
	{"53", "云南", "云南省", "yn", false, false, "0871", []city{{"01", "昆明", "km", "0871"}, {"03", "曲靖", "qj", "0874"}, {"04", "玉溪", "yx", "0877"}}},
	{"54", "西藏", "西藏自治区", "xz", false, false, "0891", []city{{"01", "拉萨", "ls", "0891"}}},
	{"61", "陕西", "陕西省", "sn", false, false, "029", []city{{"01", "西安", "xa", "029"}, {"03", "宝鸡", "bj", "0917"}, {"04", "咸阳", "xy", "029"}, {"08", "榆林", "yl", "0912"}}},
	{"62", "甘肃", "甘肃省", "gs", false, false, "0931", []city{{"01", "兰州", "lz", "0931"}, {"04", "白银", "by", "0943"}, {"05", "天水", "ts", "0938"}}},
	{"63", "青海", "青海省", "qh", false, false, "0971", []city{{"01", "西宁", "xn", "0971"}}},
	{"64", "宁夏", "宁夏回族自治区", "nx", false, false, "0951", []city{{"01", "银川", "yc", "0951"}, {"02", "石嘴山", "szs", "0952"}}},
	{"65", "新疆", "新疆维吾尔自治区", "xj", false, false, "0991", []city{{"01", "乌鲁木齐", "wlmq", "0991"}, {"02", "克拉玛依", "klmy", "0990"}}},
	{"66", "新疆", "新疆生产建设兵团", "bt", false, true, "0991", nil},
}

// unit is the reporting unit of one return.
type unit struct {
	level    string // province, municipality, prefecture
	code     string // 6-digit region code
	prov     province
	city     *city
	name     string // the unit's name as on its seal
	place    string // 浙江省, 杭州市: how the unit's area is written
	py       string // domain stem: zj, hz
	area     string // telephone area code
	domain   string // the unit's web domain
	provName string // Q3.province as written
	cityName string // Q3.city as written
}

func pickUnit(rng *rand.Rand, level string) unit {
	var cands []province
	for _, p := range provinces {
		switch level {
		case "municipality":
			if p.muni {
				cands = append(cands, p)
			}
		case "prefecture":
			if !p.muni && len(p.cities) > 0 {
				cands = append(cands, p)
			}
		default:
			if !p.muni {
				cands = append(cands, p)
			}
		}
	}
	p := cands[rng.IntN(len(cands))]
	u := unit{level: level, prov: p, code: p.code + "0000", place: p.full, py: p.py, area: p.area, provName: p.name}
	dept := "劳动和社会保障厅"
	if rng.Float64() < 0.3 {
		dept = "劳动保障厅"
	}
	switch {
	case level == "municipality":
		dept = "劳动和社会保障局"
		u.name = p.full + dept
	case p.bingt:
		u.name = p.full + "劳动和社会保障局"
	case level == "prefecture":
		c := p.cities[rng.IntN(len(p.cities))]
		u.city = &c
		u.code = p.code + c.code + "00"
		u.place = c.name + "市"
		u.py = c.py
		u.area = c.area
		u.cityName = c.name
		dept = "劳动和社会保障局"
		if rng.Float64() < 0.3 {
			dept = "劳动保障局"
		}
		u.name = c.name + "市" + dept
	default:
		u.name = p.full + dept
	}
	suffixes := []string{"lss.gov.cn", "ldbz.gov.cn", "12333.gov.cn", "si.gov.cn"}
	u.domain = u.py + suffixes[rng.IntN(len(suffixes))]
	return u
}

// person is a name with the pinyin used to make mail addresses.
type person struct {
	name string
	py   string // zhangming
	ini  string // zhangm
}

var surnames = []struct{ c, py string }{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"}, {"赵", "zhao"},
	{"黄", "huang"}, {"周", "zhou"}, {"吴", "wu"}, {"徐", "xu"}, {"孙", "sun"}, {"胡", "hu"}, {"朱", "zhu"},
	{"高", "gao"}, {"林", "lin"}, {"何", "he"}, {"郭", "guo"}, {"马", "ma"}, {"罗", "luo"}, {"梁", "liang"},
	{"宋", "song"}, {"郑", "zheng"}, {"谢", "xie"}, {"韩", "han"}, {"唐", "tang"}, {"冯", "feng"}, {"于", "yu"},
	{"董", "dong"}, {"萧", "xiao"}, {"程", "cheng"}, {"曹", "cao"}, {"袁", "yuan"}, {"邓", "deng"}, {"许", "xu"},
	{"傅", "fu"}, {"沈", "shen"}, {"曾", "zeng"}, {"彭", "peng"}, {"吕", "lv"}, {"苏", "su"}, {"卢", "lu"},
	{"蒋", "jiang"}, {"蔡", "cai"}, {"贾", "jia"}, {"丁", "ding"}, {"魏", "wei"}, {"薛", "xue"}, {"叶", "ye"},
	{"欧阳", "ouyang"}, {"司马", "sima"},
}

var givenChars = []struct{ c, py string }{
	{"明", "ming"}, {"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"},
	{"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"}, {"杰", "jie"},
	{"娟", "juan"}, {"涛", "tao"}, {"超", "chao"}, {"秀", "xiu"}, {"霞", "xia"}, {"平", "ping"}, {"刚", "gang"},
	{"建", "jian"}, {"国", "guo"}, {"华", "hua"}, {"志", "zhi"}, {"文", "wen"}, {"红", "hong"}, {"海", "hai"},
	{"晓", "xiao"}, {"东", "dong"}, {"宏", "hong"}, {"新", "xin"}, {"林", "lin"}, {"斌", "bin"}, {"峰", "feng"},
	{"春", "chun"}, {"立", "li"}, {"卫", "wei"}, {"忠", "zhong"}, {"玉", "yu"}, {"荣", "rong"}, {"德", "de"},
	{"云", "yun"}, {"宁", "ning"}, {"辉", "hui"}, {"健", "jian"}, {"琳", "lin"}, {"瑾", "jin"}, {"彬", "bin"},
}

func pickPerson(rng *rand.Rand) person {
	s := surnames[rng.IntN(len(surnames))]
	n := 1 + rng.IntN(2)
	if rng.Float64() < 0.7 {
		n = 2
	}
	p := person{name: s.c, py: s.py, ini: s.py}
	for range n {
		g := givenChars[rng.IntN(len(givenChars))]
		p.name += g.c
		p.py += g.py
		p.ini += g.py[:1]
	}
	return p
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

var (
	provTitles    = []string{"主任", "副主任", "处长", "副处长", "副厅长", "调研员", "主任科员"}
	cityTitles    = []string{"主任", "副主任", "科长", "副科长", "副局长", "局长助理", "处长"}
	mgmtDepts     = []string{"规划财务处", "办公室", "信息处", "统计信息处", "综合计划处", "规划统计处", "计划财务处", "信息化办公室"}
	carriers      = []string{"中国电信", "中国网通", "中国移动", "中国联通", "中国铁通", "电信", "网通"}
	callOrgs      = []string{"信息中心", "局办公室", "就业局", "社保中心", "厅信息中心", "劳动保障监察支队", "社会保险事业管理局"}
	mcus          = []string{"华为ViewPoint 8650", "中兴ZXMVC8900", "Polycom MGC-50", "宝利通MGC-100", "Radvision viaIP 400", "华为VP8660", "Polycom MGC-25"}
	terminals     = []string{"Polycom VSX7000", "华为ViewPoint 8033", "Sony PCS-1", "宝利通VSX5000", "中兴ZXV10 T600", "Polycom ViewStation", "泰德TANDBERG 880"}
	t1Names       = []string{"养老保险系统", "医疗保险系统", "就业服务和失业保险系统", "工伤保险系统", "生育保险系统", "社会保险核心平台", "失业保险系统", "社会保险管理信息系统", "医疗保险结算系统", "劳动力市场信息系统"}
	t2Names       = []string{"劳动力市场信息系统", "劳动监察管理系统", "职业技能鉴定系统", "社保基金财务系统", "劳动合同管理系统", "养老金社会化发放系统", "再就业优惠证管理系统", "网上申报系统", "社区劳动保障平台", "机关事业单位养老保险系统"}
	vendors       = []string{"东软集团股份有限公司", "东软集团", "浙大网新", "万达信息股份有限公司", "金蝶软件", "用友软件", "神州数码", "中软国际", "太极计算机股份有限公司", "东华软件", "易联众信息技术", "久其软件", "浪潮集团", "银江股份", "创智科技", "航天信息"}
	oracleVers    = []string{"9i", "10g", "8i", "8.1.7", "9.2.0", "10.2", "9i R2"}
	sybaseVers    = []string{"ASE 12.5", "12.5.3", "11.9.2", "ASE 15", "12.5"}
	otherDBs      = []string{"DB2 8.2", "SQL Server 2000", "Informix 9.4", "DB2 V8", "SQL Server 2005"}
	ibmModels     = []string{"p570", "p690", "p650", "p550", "RS/6000 S80", "p5-570", "x366", "p615"}
	hpModels      = []string{"rp7420", "rp8420", "Superdome", "rp4440", "DL580", "rx8620", "N4000"}
	sunModels     = []string{"Fire V890", "E10000", "Fire 6800", "V440", "Fire V490", "E4500"}
	otherServers  = []string{"浪潮NF450", "联想万全R630", "曙光天阔A620r", "浪潮天梭", "联想万全T350"}
	backupOthers  = []string{"光盘刻录", "异地磁盘备份", "移动硬盘备份", "数据库日志备份"}
	securOthers   = []string{"USB Key", "防火墙", "VPN", "数字证书", "指纹认证"}
	linkOthers    = []string{"银行系统", "公安户籍系统", "民政系统", "邮政系统", "财政系统", "工商系统"}
	scopeOthers   = []string{"劳动关系", "劳动监察", "社保基金监督", "农民工管理", "企业年金"}
	websiteSuffix = []string{"劳动保障网", "劳动和社会保障网", "12333网", "就业网", "社会保险网", "人才网"}
)

// otherTexts gives answers to “其他（请说明）” and similar blanks by the words in
// the field's label.
var otherTexts = []struct {
	key   string
	texts []string
}{
	// Earlier keys win: 具体为 is more specific than the question it belongs to.
	{"具体为", []string{"省本级和省会城市", "省本级及杭州、宁波", "省本级和三个中心城市", "省和部分地市"}},
	{"单位性质", []string{"参照公务员管理事业单位", "行政机关", "参公管理", "挂靠办公室"}},
	{"是否成立信息中心", []string{"正在筹建", "已批复，尚未组建", "与统计处合署办公", "由办公室负责"}},
	{"数据分布策略", []string{"省级集中与地市分布相结合", "尚在论证中", "分步实施集中"}},
	{"经办机构", []string{"社会保险事业管理局", "省社保中心", "医疗保险管理中心", "就业服务局"}},
	{"机房位置", []string{"省政府信息中心", "电信机房托管", "市政府数据中心"}},
	{"数据主要包括", []string{"劳动关系", "农民工", "劳动监察", "企业年金"}},
	{"筹建情况", []string{"待资金落实后建设", "与政府信息中心共建", "正在论证"}},
	{"社会保障卡", []string{"正在制定方案", "待部里统一部署", "与银行合作发卡"}},
	{"用卡类型", []string{"磁条卡", "IC卡", "银行卡"}},
	{"卡内应用", []string{"公积金", "就医结算", "劳动就业"}},
	{"原因", []string{"资金未落实", "发卡早于部颁规范", "等待全省统一部署", "地方财政困难", "与医保卡同步推进"}},
	{"运行情况", []string{"工作日开放，节假日维护", "托管于政府网站"}},
	{"网站服务", []string{"网上投诉", "政务公开", "在线调查"}},
	{"建设方案", []string{"各市自建", "依托12333统一建设", "尚未确定"}},
	{"服务内容", []string{"政策宣传", "满意度回访", "养老金查询"}},
	{"涵盖范围", []string{"网上办事", "单位信息维护"}},
	{"安全手段", []string{"USB Key", "数字证书", "短信验证"}},
	{"开展的时间", []string{"2007年开展", "待系统升级后"}},
	{"软件应用", []string{"数据核对", "统计分析"}},
	{"立项", []string{"已上报待批", "正在编制可研报告", "省里统一立项"}},
	{"计划", []string{"12333扩容", "网站改版", "社保卡发行"}},
	{"障碍", []string{"体制不顺", "标准不统一", "运行维护经费不足"}},
}

var problems = []string{
	"资金投入不足，运行维护经费没有保障。",
	"专业技术人员缺乏，队伍不稳定。",
	"各险种系统分散建设，数据难以共享。",
	"市县网络带宽不足，联网速度慢。",
	"统一软件本地化实施周期长，需求变更多。",
	"基层经办机构计算机设备老化。",
	"部分区县尚未联网，数据需要手工报送。",
	"信息中心编制少，工作量大。",
	"数据质量不高，历史数据整理难度大。",
}

var suggestions = []string{
	"建议部里加大对中西部地区的资金支持。",
	"希望统一软件尽快推出新版本，完善医疗保险功能。",
	"建议加强对地方技术人员的培训。",
	"建议统一制定数据交换标准和接口规范。",
	"希望开发商提高技术支持的响应速度。",
	"建议联网监测软件增加数据校验功能。",
	"建议尽快出台社会保障卡发行管理办法。",
}

// otherText returns a plausible answer for a free-text blank with this label.
func otherText(rng *rand.Rand, label string) string {
	for _, o := range otherTexts {
		if strings.Contains(label, o.key) {
			return pick(rng, o.texts)
		}
	}
	return pick(rng, []string{"正在研究", "另附说明", "按省里要求执行", "待定"})
}
