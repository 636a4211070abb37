package checker

import (
	"maps"
	"slices"
	"strings"
)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// okOp builds an ok operation; out may be zero.
func okOp(client int, kind, key, value string, call, ret int64, out Output) Operation {
	return Operation{Client: client, Kind: kind, Key: key, Value: value, Call: call, Return: ret,
		Status: StatusOK, Output: out}
}

func read(client int, key, value string, call, ret int64) Operation {
	return okOp(client, "get", key, "", call, ret, Output{Value: Ptr(value), Found: Ptr(value != "")})
}

// jsonl renders ops in the history format, for failure messages.
func jsonl(ops []Operation) string {
	var b strings.Builder
	if err := WriteHistory(&b, ops); err != nil {
		return err.Error()
	}
	return b.String()
}
