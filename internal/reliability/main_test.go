package reliability_test

import (
	"testing"

	"sgul/internal/sgultest"
)

func TestMain(m *testing.M) { sgultest.Main(m) }
