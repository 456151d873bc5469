"""The base every form in Oversight extends: GOV.UK rendering through crispy-forms-gds.

Templates render `{% error_summary form %}` above the heading and `{% crispy form %}` inside
their own <form>, so every form shows the GOV.UK error summary pattern.
"""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size


class GovukFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        # Templates write their own {% csrf_token %} inside the <form> they own.
        self.helper.disable_csrf = True
