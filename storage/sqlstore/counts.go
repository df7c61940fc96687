package sqlstore

import (
	"context"
	"fmt"

	"papergate/review"
)

// DocumentCount is how many documents share a status, a province (the first two
// digits of the region code, "" when unknown) and a level.
type DocumentCount struct {
	Status   review.Status
	Province string
	Level    string
	N        int
}

// DocumentCounts counts documents by status, province and level, for the dashboard.
func (db *DB) DocumentCounts(ctx context.Context) ([]DocumentCount, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT status, substr(unit_code, 1, 2) AS province, level, count(*)
		FROM documents GROUP BY status, substr(unit_code, 1, 2), level`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: count documents: %w", err)
	}
	defer rows.Close()
	var out []DocumentCount
	for rows.Next() {
		var c DocumentCount
		var status string
		if err := rows.Scan(&status, &c.Province, &c.Level, &c.N); err != nil {
			return nil, fmt.Errorf("sqlstore: count documents: %w", err)
		}
		c.Status = review.Status(status)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: count documents: %w", err)
	}
	return out, nil
}
