"""The stored choices' labels in the page's language.

The models' choice labels stay plain Chinese strings: the importer reads them (a
workbook says 党委, 书记, 后进), and the rules, the API and the command-line reports
write them, all fixed Chinese interfaces (CONTRACT). The pages translate a label when
they show it: ``{% translate o.get_kind_display %}`` in a template, ``translated_choices``
for a form. The list below only puts the labels in the catalog (``makemessages`` finds
them here); tests/test_i18n.py checks that it covers every choice the pages show.
"""

from django.utils.translation import gettext_lazy, gettext_noop

CHOICE_LABELS = (
    # orgs.OrgKind
    gettext_noop("党委"), gettext_noop("党组"), gettext_noop("党工委"), gettext_noop("党总支"), gettext_noop("党支部"),
    # orgs.Domain
    gettext_noop("嘎查村"), gettext_noop("社区"), gettext_noop("机关"), gettext_noop("事业单位"),
    gettext_noop("国有企业"), gettext_noop("集体企业"), gettext_noop("非公有制企业"), gettext_noop("社会组织"),
    gettext_noop("离退休干部"),
    # orgs.Tier, and no rating at all
    gettext_noop("先进"), gettext_noop("中间"), gettext_noop("后进"), gettext_noop("未定级"),
    # people.PostRole
    gettext_noop("书记"), gettext_noop("副书记"), gettext_noop("委员"),
    # contacts.LinkKind
    gettext_noop("联系点"), gettext_noop("联系支部"),
    # contacts.ActivityKind
    gettext_noop("调研指导"), gettext_noop("专题党课"), gettext_noop("督导检查"), gettext_noop("结对帮扶"), gettext_noop("其他"),
    # problems.ProblemStatus
    gettext_noop("待办理"), gettext_noop("办理中"), gettext_noop("已办结"),
    # accountability.CaseStatus, CaseStep
    gettext_noop("整改中"), gettext_noop("已整改"), gettext_noop("失效"),
    gettext_noop("提醒谈话"), gettext_noop("约谈"), gettext_noop("批评教育"),
    # accounts.Role
    gettext_noop("组织部管理员"), gettext_noop("书记/班子成员"), gettext_noop("支部书记"), gettext_noop("督查"),
    gettext_noop("审计管理员"),
    # imports.ImportRun.State
    gettext_noop("正在试导入"), gettext_noop("待确认"), gettext_noop("有错误，未写入"), gettext_noop("正在导入"),
    gettext_noop("已导入"), gettext_noop("处理失败"),
)


def translated_choices(choices):
    """A form field's choices, each label translated when the form is shown."""
    return [(value, gettext_lazy(label)) for value, label in choices]
