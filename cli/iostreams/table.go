package iostreams

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// WriteColumns writes rows (the first is the header) as columns aligned by
// display width (wide CJK and emoji count double), fitting width: the
// columns of cut are narrowed in that order, each down to 8 columns, and
// what no longer fits a cell ends in an ellipsis.
func WriteColumns(w io.Writer, rows [][]string, width int, cut []int) error {
	const gap = 2
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], lipgloss.Width(c))
		}
	}
	total := func() int {
		n := gap * (len(widths) - 1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	for _, i := range cut {
		for total() > width && widths[i] > 8 {
			widths[i]--
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			c = ansi.Truncate(c, widths[i], "…")
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-lipgloss.Width(c)+gap))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
