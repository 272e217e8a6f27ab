package flow_test

import (
	"fmt"
)

func fmtAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s %q %x %X %d", v, v, v, v, v, v, v, v)
}
