"""The soothing toolkit: boxes of real objects, their uses, and words to carry."""
