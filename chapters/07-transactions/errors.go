package transactions

import "fmt"

// docs:begin rule-error

// RuleCode is a kind of rule a transaction broke. Each is an error, so
// that errors.Is(err, transactions.ErrNonceSkipped) picks one out.
type RuleCode int

// The rules.
const (
	ErrBadSignature RuleCode = iota + 1 // not signed by its sender's key
	ErrWrongChain                       // signed for another network
	ErrZeroAmount                       // moves nothing
	ErrOverflow                         // amount plus fee, or a balance, past 2^64
	ErrNonceReused                      // a nonce its sender has used
	ErrNonceSkipped                     // a nonce past its sender's next
	ErrInsufficient                     // spends more than its sender has
	ErrMemoSize                         // a memo over MaxMemo bytes
)

// RuleError is a transaction that breaks a rule: which, and the detail.
type RuleError struct {
	Code   RuleCode
	Detail string
}

// docs:end rule-error

var ruleNames = map[RuleCode]string{
	ErrBadSignature: "bad signature",
	ErrWrongChain:   "wrong chain",
	ErrZeroAmount:   "zero amount",
	ErrOverflow:     "overflow",
	ErrNonceReused:  "nonce reused",
	ErrNonceSkipped: "nonce skipped",
	ErrInsufficient: "insufficient balance",
	ErrMemoSize:     "memo too long",
}

func (c RuleCode) Error() string {
	if name, ok := ruleNames[c]; ok {
		return name
	}
	return fmt.Sprintf("rule %d", int(c))
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
