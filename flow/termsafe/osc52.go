package termsafe

import (
	"io"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
)

// Copy writes text to w as an OSC 52 clipboard sequence. It is plain OSC 52
// everywhere, tmux included (tmux takes it into its buffer and the outer
// terminal's clipboard when its set-clipboard option is on; its passthrough
// wrapping is dropped by default since tmux 3.3), except inside GNU screen,
// which passes OSC 52 on only wrapped in its DCS passthrough. Whether the
// terminal accepts it cannot be known: callers say it was sent, not that
// it was copied.
func Copy(w io.Writer, text string, screen bool) error {
	seq := osc52.New(text)
	if screen {
		seq = seq.Screen()
	}
	_, err := seq.WriteTo(w)
	return err
}
