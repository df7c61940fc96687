package exportdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"papergate/layout"
	"papergate/review"
)

// ReadReturn reads an exported return back from the typed tables (returns, q1, q2,
// q3, q3_t1, q3_t2) in the shape of FIELDS.md §6: what an analyst's query sees. A
// return that is not there gives an error wrapping review.ErrNotFound.
func (db *DB) ReadReturn(ctx context.Context, id int64) (*layout.Return, error) {
	if err := db.ensure(ctx); err != nil {
		return nil, err
	}
	r := &layout.Return{Forms: map[string]layout.Values{}}
	var level string
	err := db.pool.QueryRow(ctx, `SELECT region_code, level FROM returns WHERE return_id = $1`, id).Scan(&r.Unit.RegionCode, &level)
	if err == pgx.ErrNoRows {
		return nil, fmt.Errorf("exportdb: return %d: %w", id, review.ErrNotFound)
	}
	if err != nil {
		return nil, db.wrap(fmt.Sprintf("read return %d", id), err)
	}
	r.Unit.Level = layout.Level(level)
	for _, t := range db.schema.Tables {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = pgx.Identifier{c.Name}.Sanitize()
		}
		q := `SELECT '', ` + strings.Join(cols, ", ") + ` FROM ` + pgx.Identifier{t.Name}.Sanitize() + ` WHERE return_id = $1`
		if t.layout != nil {
			q = `SELECT system, ` + strings.Join(cols, ", ") + ` FROM ` + pgx.Identifier{t.Name}.Sanitize() + ` WHERE return_id = $1 ORDER BY position`
		}
		rows, err := db.pool.Query(ctx, q, id)
		if err != nil {
			return nil, db.wrap(fmt.Sprintf("read return %d", id), err)
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				rows.Close()
				return nil, db.wrap(fmt.Sprintf("read return %d", id), err)
			}
			system, _ := vals[0].(string)
			for i, c := range t.Columns {
				fid := c.FieldID
				if t.layout != nil {
					fid = strings.Replace(fid, layout.ColumnPlaceholder, system, 1)
				}
				v, err := fromSQL(c.field, vals[i+1])
				if err != nil {
					rows.Close()
					return nil, err
				}
				r.Set(fid, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.wrap(fmt.Sprintf("read return %d", id), err)
		}
	}
	return r, nil
}

// fromSQL types a column value as layout does (int64, float64, []int, []string, string).
func fromSQL(f *layout.Field, v any) (any, error) {
	bad := func() error { return fmt.Errorf("exportdb: field %s: unexpected column value %v (%T)", f.ID, v, v) }
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case string:
		return x, nil
	case pgtype.Numeric:
		fv, err := x.Float64Value()
		if err != nil || !fv.Valid {
			return nil, bad()
		}
		return fv.Float64, nil
	case []any:
		if f.Type == layout.TypeCodes {
			out := make([]int, len(x))
			for i, e := range x {
				n, ok := e.(int32)
				if !ok {
					return nil, bad()
				}
				out[i] = int(n)
			}
			return out, nil
		}
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, bad()
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, bad()
}
