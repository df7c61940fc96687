package web

import (
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

// provinceNames names the first two digits of a 行政区划代码.
var provinceNames = map[string]string{"11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
	"21": "辽宁", "22": "吉林", "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建",
	"36": "江西", "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
	"50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃", "63": "青海",
	"64": "宁夏", "65": "新疆"}

// dashboard shows counts by status, province and level, failed documents and a
// searchable list; dashboard.js keeps it live by polling the API.
func (s *Server) dashboard(c *gin.Context) {
	s.show(c, "dashboard", "总览", struct {
		Statuses []review.Status
		Query    string
	}{review.Statuses, c.Query("q")})
}

type groupJSON struct {
	Key    string         `json:"key"`
	Name   string         `json:"name"`
	Total  int            `json:"total"`
	Done   int            `json:"done"` // verified or exported
	Status map[string]int `json:"status"`
}

// apiStats: GET /stats, document counts for the dashboard.
func (s *Server) apiStats(c *gin.Context) {
	counts, err := s.cfg.Counts.DocumentCounts(c.Request.Context())
	if err != nil {
		s.apiError(c, err)
		return
	}
	total := groupJSON{Key: "all", Name: "全部", Status: map[string]int{}}
	provinces, levels := map[string]*groupJSON{}, map[string]*groupJSON{}
	add := func(m map[string]*groupJSON, key, name string, n review.Status, k int) {
		g, ok := m[key]
		if !ok {
			g = &groupJSON{Key: key, Name: name, Status: map[string]int{}}
			m[key] = g
		}
		g.Total += k
		g.Status[string(n)] += k
		if n == review.StatusVerified || n == review.StatusExported {
			g.Done += k
		}
	}
	for _, ct := range counts {
		total.Total += ct.N
		total.Status[string(ct.Status)] += ct.N
		if ct.Status == review.StatusVerified || ct.Status == review.StatusExported {
			total.Done += ct.N
		}
		pname := provinceNames[ct.Province]
		if ct.Province == "" {
			pname = "未知"
		}
		add(provinces, ct.Province, pname, ct.Status, ct.N)
		add(levels, ct.Level, levelName(ct.Level), ct.Status, ct.N)
	}
	list := func(m map[string]*groupJSON) []groupJSON {
		out := make([]groupJSON, 0, len(m))
		for _, g := range m {
			out = append(out, *g)
		}
		sort.Slice(out, func(i, j int) bool {
			if (out[i].Key == "") != (out[j].Key == "") {
				return out[j].Key == ""
			}
			return out[i].Key < out[j].Key
		})
		return out
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "provinces": list(provinces), "levels": list(levels)})
}

// uploadPage: drag and drop files, each with its own progress bar (upload.js sends
// them to POST /api/v1/documents with the session's CSRF token).
func (s *Server) uploadPage(c *gin.Context) {
	s.show(c, "upload", "上传", struct {
		MaxMB  int64
		Levels []string
	}{s.cfg.MaxUploadBytes >> 20, []string{review.LevelProvince, review.LevelMunicipality, review.LevelPrefecture}})
}
