package pow

import (
	"errors"
	"fmt"
)

// docs:begin rule-error

// RuleCode is a kind of proof-of-work rule a header broke. Each is an
// error, so that errors.Is(err, pow.ErrHighHash) picks one out.
type RuleCode int

// The rules.
const (
	ErrBadTarget RuleCode = iota + 1 // bits: no target, or above the limit
	ErrHighHash                      // the hash is above the target
	ErrBadBits                       // bits other than the retarget's
)

// RuleError is a header that breaks a rule: which, and the detail.
type RuleError struct {
	Code   RuleCode
	Detail string
}

// docs:end rule-error

// ErrParams is a Params that cannot work: see Params.Validate.
var ErrParams = errors.New("invalid proof-of-work params")

var ruleNames = map[RuleCode]string{
	ErrBadTarget: "bad target",
	ErrHighHash:  "hash above target",
	ErrBadBits:   "wrong bits",
}

func (c RuleCode) Error() string {
	if name, ok := ruleNames[c]; ok {
		return name
	}
	return fmt.Sprintf("pow rule %d", int(c))
}

func (e *RuleError) Error() string {
	if e.Detail == "" {
		return e.Code.Error()
	}
	return e.Code.Error() + ": " + e.Detail
}

// Unwrap makes errors.Is find the rule's code.
func (e *RuleError) Unwrap() error { return e.Code }

// ruleError is a RuleError with a formatted detail.
func ruleError(code RuleCode, format string, args ...any) error {
	return &RuleError{Code: code, Detail: fmt.Sprintf(format, args...)}
}
