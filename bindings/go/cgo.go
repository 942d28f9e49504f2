package corsguard

// The one crossing into C per request. The shim in shim.h takes the request's CORS header lines as plain
// (pointer, length) arguments that point straight into the Go strings (legal under cgo's pointer rules:
// string bytes hold no Go pointers, and C keeps none of them after the call), builds the corsguard_request
// on the C stack, decides, and returns by value everything Go needs: codes, and for each header a name
// number and where its value lies (in which request line, or at which address in the policy or library).

/*
#cgo pkg-config: corsguard
#include "shim.h"
*/
import "C"
