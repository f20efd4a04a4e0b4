"""``bmdsim --help`` starts without the stages: commands are imported only when used."""

import subprocess
import sys

from bmdsim.cli.main import _COMMANDS, cli, main


def test_help_lists_every_command_without_importing_numpy():
    code = ("import sys\nfrom bmdsim.cli.main import main\nrc = main(['--help'])\n"
            "print(rc, sorted(m for m in ('numpy', 'bmdsim.flight', 'bmdsim.assessment') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0 []"
    for name in _COMMANDS:
        assert name in out


def test_every_command_loads_and_its_help_matches(capsys):
    for name, (_, _, short) in _COMMANDS.items():
        cmd = cli.get_command(None, name)
        assert cmd is not None and cmd.name == name
        assert cmd.help.split()[:5] == short.split()[:5]  # the listed line says what the command says
        assert main([name, "--help"]) == 0
    assert cli.get_command(None, "nosuch") is None
    assert main(["nosuch"]) == 2
    assert "No such command" in capsys.readouterr().err
