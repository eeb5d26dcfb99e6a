"""The clause readers: each module reads one kind of request (add, list, complete, ...)
with its own patterns; parser.py tries them in order and the first that fits wins."""
