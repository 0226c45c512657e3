// Package disclosure publishes tables of counts without exposing any single
// organisation, the way NHS England (formerly NHS Digital) publishes its statistics:
// below the whole-sector level every count from 1 to 7 is suppressed (shown as "*"),
// every other count is rounded to the nearest 5, and further cells are suppressed
// (secondary suppression) so that no suppressed count can be worked out by subtracting
// the published cells from a row, column or grand total. Counts for the whole sector are
// published exactly unless one of them would reveal a suppressed cell.
//
// It is an engine: pure functions over plain values, no store and no HTTP. A [Table] goes
// in; [Publish] returns a [Published] table whose every cell says whether it is exact,
// rounded or suppressed.
//
// # Why secondary suppression is a graph problem
//
// Picture the table with its totals as an (m+1)×(n+1) grid in which every row and every
// column adds up (the totals row and column taken negatively). A set of suppressed cells
// can be solved for exactly when some suppressed cell is the only unknown left in a line,
// or more generally when it is a bridge of the bipartite graph whose vertices are the
// grid's rows and columns and whose edges are the suppressed cells: a suppressed cell is
// safe from every combination of sums and differences exactly when it lies on a cycle of
// that graph (then adding +d, −d, +d, −d round the cycle changes no published figure).
// Publish therefore closes every bridge with the cheapest rectangle of extra suppressions.
// The tests check the result with an independent solver that does the linear algebra.
package disclosure
