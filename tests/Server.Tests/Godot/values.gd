# Value comparisons for the headless Godot 3.2 test clients (ping_client.gd, rooms_client.gd),
# which load this file from next to themselves.
#
# Godot 3 compares dictionaries by reference, its JSON turns every number into a float, and ==
# between different types is a runtime error: so values are compared structurally, numbers as
# floats, and nothing is compared with == before its type is checked.


static func is_number(v) -> bool:
	return typeof(v) == TYPE_INT or typeof(v) == TYPE_REAL


static func deep_equal(a, b) -> bool:
	if typeof(a) == TYPE_DICTIONARY and typeof(b) == TYPE_DICTIONARY:
		if a.size() != b.size():
			return false
		for key in a:
			if not b.has(key) or not deep_equal(a[key], b[key]):
				return false
		return true
	if typeof(a) == TYPE_ARRAY and typeof(b) == TYPE_ARRAY:
		if a.size() != b.size():
			return false
		for i in range(a.size()):
			if not deep_equal(a[i], b[i]):
				return false
		return true
	if is_number(a) and is_number(b):
		return float(a) == float(b)
	return typeof(a) == typeof(b) and a == b
