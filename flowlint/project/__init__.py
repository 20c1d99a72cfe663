"""The repository as a whole: the project index (:mod:`flowlint.project.index`), how it is built
(:mod:`flowlint.project.build`) and kept (:mod:`flowlint.project.store`)."""
