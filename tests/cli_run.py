"""Running the `textledger` command inside a test: one helper for every CLI test module."""

from textledger.cli.main import main


def run(capsys, *argv) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `textledger ARGV`; never a traceback."""
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err
