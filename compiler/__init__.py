"""suanli.compiler: from `.spec` source to the validated, typed IR.

`load(path, scenario=None, overrides=()) -> Program` raises
`suanli.diagnostics.CompileError`; `compile_spec(...)` returns a
`CompileResult` with the program (or None), every diagnostic and the sources.
"""


def __getattr__(name):  # lazy, so importing the package costs nothing
    if name in ("load", "compile_spec", "CompileResult"):
        from suanli.compiler import pipeline
        return getattr(pipeline, name)
    raise AttributeError(name)


__all__ = ["load", "compile_spec", "CompileResult"]
