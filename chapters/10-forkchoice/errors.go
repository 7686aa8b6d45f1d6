package forkchoice

import "errors"

// Errors of Tree.Add, beside the rules of chapters 08 and 09, which
// come wrapped as they are.
var (
	// ErrConfig is a Config that cannot work.
	ErrConfig = errors.New("invalid fork choice config")
	// ErrDuplicate is a block the tree already has.
	ErrDuplicate = errors.New("block already known")
	// ErrKnownInvalid is a block the tree found breaking a rule, or one
	// whose ancestor did.
	ErrKnownInvalid = errors.New("block known invalid")
	// ErrForkTooOld is a block whose branch leaves the main chain more
	// than MaxReorgDepth blocks below the tip: it could never be
	// followed, so it is not kept.
	ErrForkTooOld = errors.New("fork too far below the tip")
	// ErrBadPath is a Choice whose Path does not lead from the tip to
	// the branch it chose.
	ErrBadPath = errors.New("fork choice gave a wrong path")
)
