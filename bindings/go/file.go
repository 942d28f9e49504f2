package corsguard

// Policies from the policy file format (docs/policy-file.md): the C library parses and validates the text
// and builds the policy into C memory this package owns, as NewPolicy does for a Config.

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"unsafe"
)

// SyntaxError is what is wrong with the text of a policy file, a stable code (0 for none).
type SyntaxError uint8

var syntaxErrorNames = [...]string{"none", "invalid_byte", "missing_equals", "empty_key", "unknown_key",
	"repeated_key", "empty_value", "empty_list_element", "bad_boolean", "bad_number", "wildcard_mixed"}

// Code is the stable number (SyntaxError::code in the core).
func (e SyntaxError) Code() int { return int(e) }

// Name is the snake_case name: "unknown_key".
func (e SyntaxError) Name() string { return name(syntaxErrorNames[:], int(e)) }

// String says what is wrong and what to change.
func (e SyntaxError) String() string {
	return C.GoString(C.corsguard_syntax_error_str(C.uint32_t(e)))
}

// PolicyFileError says why a policy file was refused: where (Line and Column, both from 1, in bytes; 0 and
// 0 when no line is meant, e.g. no origins at all), and either the syntax error or the policy error the
// same settings give through NewPolicy. errors.As(err, &policyErr) finds the *PolicyError, when there is
// one.
type PolicyFileError struct {
	// Path is the file's path, for LoadPolicyFile; "" for ParsePolicy.
	Path   string
	Line   int
	Column int
	// Syntax is the syntax error, 0 when the text parsed and Policy says why the policy was refused.
	Syntax SyntaxError
	// Policy is the refused policy's error, nil for a syntax error. Its Index counts the elements of its
	// key over all the key's lines.
	Policy *PolicyError
	// Message says what is wrong and what to change.
	Message string
}

func (e *PolicyFileError) Error() string {
	where := e.Path
	if where == "" {
		where = "policy"
	}
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", where, e.Line, e.Column)
	}
	if e.Policy != nil {
		return fmt.Sprintf("corsguard: %s: %s", where, e.Policy.Error()[len("corsguard: "):])
	}
	return fmt.Sprintf("corsguard: %s: %s (%s, code %d)", where, e.Message, e.Syntax.Name(), e.Syntax)
}

// Unwrap gives the *PolicyError of a refused policy.
func (e *PolicyFileError) Unwrap() error {
	if e.Policy == nil {
		return nil
	}
	return e.Policy
}

func policyFileErrorFrom(c *C.corsguard_policy_file_error) *PolicyFileError {
	e := &PolicyFileError{Line: int(c.line), Column: int(c.column), Syntax: SyntaxError(c.syntax),
		Message: C.GoString(c.message)}
	if c.syntax == 0 {
		e.Policy = policyErrorFrom(&c.policy)
	}
	return e
}

// ParsePolicy builds a policy from the text of a policy file (docs/policy-file.md). A text that is not a
// policy file, or describes a policy NewPolicy would refuse, gives a *PolicyFileError with the line and
// column.
func ParsePolicy(text string) (*Policy, error) {
	ptr, n := bytesOf(text)
	var size C.size_t
	var cerr C.corsguard_policy_file_error
	switch r := C.corsguard_policy_file_size(ptr, n, &size, &cerr); r {
	case C.CORSGUARD_RESULT_OK:
	case C.CORSGUARD_RESULT_POLICY_FILE_SYNTAX, C.CORSGUARD_RESULT_POLICY_INVALID:
		return nil, policyFileErrorFrom(&cerr)
	default:
		return nil, resultError("corsguard_policy_file_size", r)
	}
	mem := C.malloc(size)
	if mem == nil {
		return nil, errors.New("corsguard: out of C memory")
	}
	var out *C.corsguard_policy
	switch r := C.corsguard_policy_file_init(ptr, n, mem, size, &out, &cerr); r {
	case C.CORSGUARD_RESULT_OK:
		return newPolicy(uintptr(unsafe.Pointer(out)), mem)
	case C.CORSGUARD_RESULT_POLICY_FILE_SYNTAX, C.CORSGUARD_RESULT_POLICY_INVALID:
		C.free(mem)
		return nil, policyFileErrorFrom(&cerr)
	default:
		C.free(mem)
		return nil, resultError("corsguard_policy_file_init", r)
	}
}

// LoadPolicyFile reads and builds the policy file at path; its errors name the path, line and column.
func LoadPolicyFile(path string) (*Policy, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("corsguard: %w", err)
	}
	p, err := ParsePolicy(string(text))
	var fe *PolicyFileError
	if errors.As(err, &fe) {
		fe.Path = path
	}
	return p, err
}
