"""What is not safe to print to a terminal as it is: control characters (but tab and line feed), and the
invisible and direction-changing ones (zero-width space, marks, embeddings, overrides, isolates, a byte-order
mark). One definition for the report's escaping (:mod:`inmail_lint.util.text`) and for a replay's check of a
recorded report (:mod:`inmail_lint.run.replay`, which imports only light modules: this one imports nothing)."""

UNSAFE_CHARACTERS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
