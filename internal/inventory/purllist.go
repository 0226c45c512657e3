package inventory

// parsePURLList reads one package URL per line; blank lines and # comments are skipped.
func parsePURLList(inv *Inventory, data []byte) error {
	eachLine(data, func(n int, line string) {
		line = stripComment(line)
		if line == "" {
			return
		}
		c, err := componentFromPURL(line)
		if err != nil {
			inv.addProblem(lineLoc(n), "package URL %q: %v", line, err)
			return
		}
		c.Location = lineLoc(n)
		inv.add(c)
	})
	return nil
}
