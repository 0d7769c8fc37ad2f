from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import security


class DateInput(forms.DateInput):
    """A browser date picker that reads and writes ISO dates."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BootstrapMixin:
    """Give every widget the Bootstrap class it needs, so templates stay plain."""

    fields: dict[str, forms.Field]  # the form's, once Form.__init__ has run

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Note that the password is case-sensitive."),
        "demo_password": _("The demo password works only in a demo installation. Ask the administrator for your password."),
    }

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if password and security.demo_password_refused(password):
            raise ValidationError(self.error_messages["demo_password"], code="demo_password")
        try:
            return super().clean()
        except ValidationError as error:
            left = security.tries_left(self.request, username) if username and error.code == "invalid_login" else 0
            if not left:
                raise
            raise ValidationError([
                error,
                ValidationError(ngettext(
                    "%(left)d more wrong password and this username is locked on this computer for %(minutes)d minutes.",
                    "%(left)d more wrong passwords and this username is locked on this computer for %(minutes)d minutes.",
                    left,
                ) % {"left": left, "minutes": settings.AXES_COOLOFF_TIME.total_seconds() // 60}, code="tries_left"),
            ]) from None


class StaffPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise ValidationError(_("The new password must differ from the old one."), code="password_unchanged")
        return password


class DemoPasswordValidator:
    """Refuse the demo accounts' password as anyone's real password (AUTH_PASSWORD_VALIDATORS)."""

    def validate(self, password, user=None):
        if settings.DEMO_PASSWORD and password == settings.DEMO_PASSWORD:
            raise ValidationError(_("This is the demo password: choose your own."), code="demo_password")

    def get_help_text(self):
        return _("Your password cannot be the demo password.")


def apply_errors(form, error):
    """Show a ValidationError raised by a workflow or service on the form it came from."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
