module example.invalid/corsguard/bindings/go/bench

go 1.25.0

require (
	example.invalid/corsguard/bindings/go v0.0.0
	github.com/jub0bs/cors v1.0.5
	github.com/rs/cors v1.11.1
)

require (
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/text v0.40.0 // indirect
)

replace example.invalid/corsguard/bindings/go => ../
