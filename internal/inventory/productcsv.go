package inventory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigil-health/vigil"
)

// productColumns are the product CSV's columns; vendor and supplier may be absent.
var productColumns = []string{"vendor", "product", "version", "supplier"}

// parseCSV reads the product CSV (vendor,product,version[,supplier] with a header, in
// any column order): the software a care home runs that no package ecosystem lists, kept
// with no ecosystem and matched by vendor and product.
func parseCSV(inv *Inventory, data []byte) error {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	col, err := productHeader(header)
	if err != nil {
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			inv.addProblem(lineLoc(pe.Line), "not a CSV row: column %d: %v", pe.Column, pe.Err)
			continue
		}
		line, _ := r.FieldPos(0)
		inv.productRow(rec, col, lineLoc(line))
	}
}

// productHeader finds each column's index (-1 when absent); product and version are
// required.
func productHeader(header []string) (map[string]int, error) {
	col := map[string]int{}
	for _, name := range productColumns {
		col[name] = -1
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, ok := col[h]; ok {
			col[h] = i
		}
	}
	if col["product"] < 0 || col["version"] < 0 {
		return nil, fmt.Errorf("line 1: the header needs product and version columns (vendor,product,version[,supplier]); it has %q", strings.Join(header, ","))
	}
	return col, nil
}

func (inv *Inventory) productRow(rec []string, col map[string]int, loc string) {
	field := func(name string) string {
		if i := col[name]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return
	}
	product := field("product")
	if product == "" {
		inv.addProblem(loc, "no product named")
		return
	}
	inv.add(vigil.Component{
		Name: product, Product: product, Vendor: field("vendor"), Version: field("version"),
		Supplier: field("supplier"), Location: loc,
	})
}
