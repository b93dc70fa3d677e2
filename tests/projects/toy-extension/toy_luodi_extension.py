"""A toy extension of Luodi (tests/test_extensions.py): one view and one export.

The whole of what a new view or export needs: a module, one register() each, and labels.
"""

from luodi import exports, i18n
from luodi.render.common import Context, bullet_list, md_inline
from luodi.render.views import View, register

i18n.add_labels({"zh": {"timeline": "时间线", "download-txt": "文本清单"},
                 "en": {"timeline": "Timeline", "download-txt": "Text list"}})


def render(ctx: Context) -> str:
    """The phases in order, one line each."""
    return bullet_list([md_inline(phase.title) for phase in ctx.playbook.phases]) + "\n"


register(View("timeline", "playbook", lambda ctx, _: render(ctx),
              title=lambda ctx, _: ctx.t("timeline"), nav="more", macro="timeline"))


def phase_list(playbook, _, fmt: str) -> bytes:
    return "".join(f"{phase.id}\t{phase.title}\n" for phase in playbook.phases).encode("utf-8")


exports.register(exports.Export(
    "phase-list", "playbook", ("txt",), phase_list, "downloads/phase-list.{format}",
    help="the phases as plain text (阶段清单 → .txt)",
    description="Write one line per phase: its id and its title.",
    links=("overview",), text=("txt",)))
