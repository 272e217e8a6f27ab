package prompts_test

import (
	"testing"

	"github.com/connectwiz/connectwiz/internal/testkit"
)

func TestMain(m *testing.M) { testkit.VerifyNoLeaks(m) }
