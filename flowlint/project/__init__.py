"""The repository as a whole: what each flow tells the others (:mod:`flowlint.project.entries`, made by
:mod:`flowlint.project.build`), the project index (:mod:`flowlint.project.index`), how a run gathers it
(:mod:`flowlint.project.gather`) and keeps it (:mod:`flowlint.project.store`)."""
