package blocks

import (
	"errors"
	"fmt"
)

// ErrBlockDecode is bytes that are not a block, or not a coinbase.
var ErrBlockDecode = errors.New("malformed block")

// docs:begin rule-error

// RuleCode is a kind of rule a block broke. Each is an error, so that
// errors.Is(err, blocks.ErrBadMerkleRoot) picks one out.
type RuleCode int

// The rules.
const (
	ErrBadVersion     RuleCode = iota + 1 // a header version below 1
	ErrBlockSize                          // over MaxBlockSize bytes
	ErrBadMerkleRoot                      // the header's root is not the block's
	ErrMutated                            // duplicated leaves: CVE-2012-2459
	ErrCoinbaseHeight                     // the coinbase names another height
	ErrCoinbaseAmount                     // pays more than reward and fees
	ErrCoinbaseExtra                      // Extra over MaxCoinbaseExtra bytes
	ErrFees                               // the fees add up past 2^64
	ErrBadTx                              // a transaction breaks its own rules
	ErrWrongChain                         // a transaction of another network
	ErrPrevBlock                          // does not extend the tip
	ErrTimeTooOld                         // not after the median time past
	ErrTimeTooNew                         // too far past the clock
)

// RuleError is a block that breaks a rule: which, the detail, and the
// error underneath when there is one (a transaction's own RuleError),
// which errors.Is and errors.As still find.
type RuleError struct {
	Code   RuleCode
	Detail string
	Err    error
}

// docs:end rule-error

var ruleNames = map[RuleCode]string{
	ErrBadVersion:     "bad version",
	ErrBlockSize:      "block too large",
	ErrBadMerkleRoot:  "bad merkle root",
	ErrMutated:        "mutated merkle tree",
	ErrCoinbaseHeight: "wrong coinbase height",
	ErrCoinbaseAmount: "coinbase pays too much",
	ErrCoinbaseExtra:  "coinbase extra too long",
	ErrFees:           "fees overflow",
	ErrBadTx:          "bad transaction",
	ErrWrongChain:     "transaction of another network",
	ErrPrevBlock:      "does not extend the tip",
	ErrTimeTooOld:     "time too old",
	ErrTimeTooNew:     "time too new",
}

func (c RuleCode) Error() string {
	if name, ok := ruleNames[c]; ok {
		return name
	}
	return fmt.Sprintf("block rule %d", int(c))
}

func (e *RuleError) Error() string {
	s := e.Code.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap makes errors.Is find the rule's code, and the error under it.
func (e *RuleError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Code}
	}
	return []error{e.Code, e.Err}
}

// ruleError is a RuleError with a formatted detail.
func ruleError(code RuleCode, format string, args ...any) error {
	return &RuleError{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// wrapRule is a RuleError around the error that caused it.
func wrapRule(code RuleCode, err error, format string, args ...any) error {
	return &RuleError{Code: code, Detail: fmt.Sprintf(format, args...), Err: err}
}
