package termsafe

import (
	"io"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
)

// Copy writes text to w as an OSC 52 clipboard sequence, wrapped for tmux
// passthrough when tmux is set.
func Copy(w io.Writer, text string, tmux bool) error {
	seq := osc52.New(text)
	if tmux {
		seq = seq.Tmux()
	}
	_, err := seq.WriteTo(w)
	return err
}
