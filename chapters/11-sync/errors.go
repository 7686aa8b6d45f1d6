package sync

import "errors"

// Errors of the package. Header rules of chapters 08 and 09 come
// wrapped as they are.
var (
	ErrConfig = errors.New("invalid sync config")
	// ErrUnconnected is a header whose parent the tree does not have.
	ErrUnconnected = errors.New("header does not connect")
	// ErrKnownInvalid is a header found invalid before, or a child of
	// one.
	ErrKnownInvalid = errors.New("header known invalid")
	// ErrForkTooDeep is a header whose branch leaves the best chain
	// further below the block tree's tip than the tree would ever
	// reorganise: it could never be followed, so it is not kept.
	ErrForkTooDeep = errors.New("header fork too deep")
	// ErrHeadersFull is a header past MaxHeaders.
	ErrHeadersFull = errors.New("header tree full")
	// ErrStalled is why a peer that held up the window is dropped.
	ErrStalled = errors.New("stalled the block download")
	// ErrBlockDataSize is a getblockdata or blknotfound of more than
	// MaxGetBlockData hashes.
	ErrBlockDataSize = errors.New("too many block hashes")
)
