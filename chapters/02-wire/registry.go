package wire

import (
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Registry maps commands to message types, so that ReadMessage knows what
// to decode a payload into. Later chapters add their messages with
// Register; none of them edits this chapter. A Registry is safe for
// concurrent use.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]func() Message
}

// NewRegistry returns a registry of the given message types. It fails as
// Register does.
func NewRegistry(factories ...func() Message) (*Registry, error) {
	r := &Registry{factories: make(map[string]func() Message)}
	if err := r.Register(factories...); err != nil {
		return nil, err
	}
	return r, nil
}

// docs:begin register

// Register adds message types, given as functions that return a new,
// empty message. It fails, and adds none of them, if a command is not
// valid (ErrBadCommand), is taken (ErrDuplicateCommand), or if a type
// allows a payload over MaxPayload (ErrPayloadTooLarge).
func (r *Registry) Register(factories ...func() Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	added := make(map[string]func() Message, len(factories))
	for i, f := range factories {
		var m Message
		if f != nil {
			m = f()
		}
		if m == nil {
			return fmt.Errorf("factory %d makes no message", i)
		}
		cmd := m.Command()
		if err := checkCommand(cmd); err != nil {
			return err
		}
		if limit := m.MaxPayload(); limit > MaxPayload {
			return fmt.Errorf("%w: %s allows %d bytes, over %d",
				ErrPayloadTooLarge, cmd, limit, MaxPayload)
		}
		if r.factories[cmd] != nil || added[cmd] != nil {
			return fmt.Errorf("%w: %s", ErrDuplicateCommand, cmd)
		}
		added[cmd] = f
	}
	maps.Copy(r.factories, added)
	return nil
}

// docs:end register

// New returns a new, empty message for command, or ErrUnknownCommand. A
// nil Registry knows no commands.
func (r *Registry) New(command string) (Message, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownCommand, command)
	}
	r.mu.RLock()
	f := r.factories[command]
	r.mu.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownCommand, command)
	}
	return f(), nil
}

// Commands returns the registered commands, sorted.
func (r *Registry) Commands() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Sorted(maps.Keys(r.factories))
}
