module sfn.dev/codegen-check

go 1.24
