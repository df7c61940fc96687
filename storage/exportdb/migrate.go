package exportdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// fixedTables are the tables that do not depend on the forms.
var fixedTables = []string{
	`CREATE TABLE IF NOT EXISTS export_meta (
		key   text PRIMARY KEY,
		value text NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS returns (
		return_id        bigint PRIMARY KEY,
		region_code      text NOT NULL,
		level            text NOT NULL,
		unit_name        text,
		forms            text[] NOT NULL,
		verified_by      text NOT NULL,
		verified_at      timestamptz,
		source_sha256    text[] NOT NULL,
		document_version bigint NOT NULL,
		fingerprint      text NOT NULL,
		exported_at      timestamptz NOT NULL)`,
	`COMMENT ON TABLE returns IS '每份已核实的填报一行（return_id = papergate 的文档编号）'`,
	`COMMENT ON COLUMN returns.region_code IS '行政区划代码（unit.region_code）'`,
	`COMMENT ON COLUMN returns.level IS '单位级别（unit.level）：province, municipality, prefecture'`,
	`COMMENT ON COLUMN returns.unit_name IS '单位名称（问卷（三）表头的省、市）'`,
	`COMMENT ON COLUMN returns.verified_by IS '核实人'`,
	`COMMENT ON COLUMN returns.verified_at IS '核实时间'`,
	`COMMENT ON COLUMN returns.source_sha256 IS '原始扫描文件的 SHA-256'`,
	`COMMENT ON COLUMN returns.fingerprint IS '导出内容摘要：内容不变则不重写'`,
	`CREATE TABLE IF NOT EXISTS answers (
		return_id  bigint NOT NULL REFERENCES returns (return_id) ON DELETE CASCADE,
		field_id   text NOT NULL,
		value      jsonb,
		confidence double precision NOT NULL,
		source     text NOT NULL,
		updated_by text NOT NULL,
		PRIMARY KEY (return_id, field_id))`,
	`COMMENT ON TABLE answers IS '每个字段的值一行：值（JSON）、识别置信度、来源（recognition 识别 / reviewer 审核人）、修改人'`,
	`CREATE TABLE IF NOT EXISTS dictionary (
		field_id    text PRIMARY KEY,
		form        text NOT NULL,
		table_name  text NOT NULL,
		column_name text NOT NULL,
		position    integer NOT NULL,
		type        text NOT NULL,
		sql_type    text NOT NULL,
		label       text NOT NULL,
		question    text NOT NULL,
		section     text NOT NULL,
		unit        text NOT NULL,
		required    boolean NOT NULL,
		condition   text NOT NULL,
		table_id    text NOT NULL,
		row_number  integer NOT NULL,
		part        text NOT NULL,
		note        text NOT NULL)`,
	`COMMENT ON TABLE dictionary IS '数据字典：每个字段的编号、所在表和列、类型、题目（表格行的编号含 {col}）'`,
	`CREATE TABLE IF NOT EXISTS dictionary_options (
		field_id text NOT NULL REFERENCES dictionary (field_id) ON DELETE CASCADE,
		code     integer NOT NULL,
		label    text NOT NULL,
		PRIMARY KEY (field_id, code))`,
	`COMMENT ON TABLE dictionary_options IS '选项代码及其文字，用于连接代码列'`,
	`CREATE TABLE IF NOT EXISTS export_log (
		id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		at               timestamptz NOT NULL,
		return_id        bigint NOT NULL,
		action           text NOT NULL,
		document_version bigint NOT NULL,
		fingerprint      text NOT NULL)`,
	`COMMENT ON TABLE export_log IS '导出日志：insert 新增、replace 重新核实后替换、withdraw 重新打开后撤回'`,
}

// Migrate creates the analysis tables, adds columns for new fields, and refreshes
// column comments and the data dictionary, when the form definitions changed since
// the last run (export_meta holds their digest). A column whose type the forms no
// longer allow is an error wrapping ErrSchema; it is never converted silently.
// Columns of fields that were dropped from the forms are kept.
func (db *DB) Migrate(ctx context.Context) error { return db.migrate(ctx, false) }

// migrate migrates; with recheck it compares every table and column even if
// export_meta says the definitions have not changed.
func (db *DB) migrate(ctx context.Context, recheck bool) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, fixedTables[0]); err != nil {
			return err
		}
		var hash string
		err := tx.QueryRow(ctx, `SELECT value FROM export_meta WHERE key = 'schema'`).Scan(&hash)
		if err == nil && hash == db.schema.hash && !recheck {
			return nil
		}
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		for _, stmt := range fixedTables[1:] {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("%.40s…: %w", stmt, err)
			}
		}
		existing, err := columnTypes(ctx, tx)
		if err != nil {
			return err
		}
		var mismatch []string
		for _, t := range db.schema.Tables {
			name := pgx.Identifier{t.Name}.Sanitize()
			if existing[t.Name] == nil {
				key := "return_id bigint PRIMARY KEY REFERENCES returns (return_id) ON DELETE CASCADE"
				if t.layout != nil {
					key = "return_id bigint NOT NULL REFERENCES returns (return_id) ON DELETE CASCADE, system text NOT NULL, " +
						"position integer NOT NULL, PRIMARY KEY (return_id, system)"
				}
				if _, err := tx.Exec(ctx, `CREATE TABLE `+name+` (`+key+`)`); err != nil {
					return err
				}
				existing[t.Name] = map[string]string{}
			}
			if _, err := tx.Exec(ctx, `COMMENT ON TABLE `+name+` IS `+quote(t.Comment)); err != nil {
				return err
			}
			for _, c := range t.Columns {
				cn := pgx.Identifier{c.Name}.Sanitize()
				switch udt, ok := existing[t.Name][c.Name]; {
				case !ok:
					if _, err := tx.Exec(ctx, `ALTER TABLE `+name+` ADD COLUMN `+cn+` `+c.Type); err != nil {
						return err
					}
				case udt != c.UDT:
					mismatch = append(mismatch, fmt.Sprintf("%s.%s (%s) is %s, the forms make it %s", t.Name, c.Name, c.FieldID,
						udtName(udt), c.Type))
					continue
				}
				if _, err := tx.Exec(ctx, `COMMENT ON COLUMN `+name+`.`+cn+` IS `+quote(c.Comment)); err != nil {
					return err
				}
			}
		}
		if len(mismatch) > 0 {
			return fmt.Errorf("%w: %s; rename or drop those columns (ALTER TABLE … RENAME COLUMN …) to keep the old values apart, then export again",
				ErrSchema, strings.Join(mismatch, "; "))
		}
		if err := fillDictionary(ctx, tx, db); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO export_meta (key, value) VALUES ('schema', $1)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, db.schema.hash)
		return err
	})
	if err != nil {
		return db.wrap("migrate", err)
	}
	return nil
}

// columnTypes maps table → column → udt_name for the tables in the current schema.
func columnTypes(ctx context.Context, tx pgx.Tx) (map[string]map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name, udt_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var t, c, u string
		if err := rows.Scan(&t, &c, &u); err != nil {
			return nil, err
		}
		if out[t] == nil {
			out[t] = map[string]string{}
		}
		out[t][c] = u
	}
	return out, rows.Err()
}

func udtName(udt string) string {
	switch udt {
	case "int4":
		return "integer"
	case "int8":
		return "bigint"
	case "_int4":
		return "integer[]"
	case "_text":
		return "text[]"
	}
	return udt
}

// quote is a SQL string literal (COMMENT takes no parameters).
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func fillDictionary(ctx context.Context, tx pgx.Tx, db *DB) error {
	if _, err := tx.Exec(ctx, `DELETE FROM dictionary`); err != nil {
		return err
	}
	var rows, opts [][]any
	for _, e := range dictionary(db.cat) {
		rows = append(rows, []any{e.FieldID, e.Form, e.TableName, e.ColumnName, e.Position, e.Type, e.SQLType, e.Label,
			e.Question, e.Section, e.Unit, e.Required, e.When, e.TableID, e.Row, e.Part, e.Note})
		for _, o := range e.Options {
			opts = append(opts, []any{e.FieldID, o.Code, o.Label})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"dictionary"}, []string{"field_id", "form", "table_name", "column_name", "position",
		"type", "sql_type", "label", "question", "section", "unit", "required", "condition", "table_id", "row_number", "part", "note"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"dictionary_options"}, []string{"field_id", "code", "label"}, pgx.CopyFromRows(opts)); err != nil {
		return fmt.Errorf("dictionary options: %w", err)
	}
	return nil
}
