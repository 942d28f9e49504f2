module example.invalid/corsguard/bindings/go

go 1.22
