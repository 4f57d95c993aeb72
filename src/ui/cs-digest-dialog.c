/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-digest-dialog"

#include "config.h"

#include "cs-digest-dialog.h"
#include "cs-digest.h"

#include <glib/gi18n.h>

struct _CsDigestDialog
{
  AdwWindow parent_instance;

  CsDigest *digest;
  char *error_message;

  AdwToastOverlay *toast_overlay;
  GtkToggleButton *plain_button;
  GtkToggleButton *markdown_button;
  GtkButton *copy_button;
  GtkTextView *text_view;
};

G_DEFINE_FINAL_TYPE (CsDigestDialog, cs_digest_dialog, ADW_TYPE_WINDOW)

static void
show_text (CsDigestDialog *self)
{
  const char *text = cs_digest_dialog_get_shown_text (self);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view),
                            text != NULL ? text : self->error_message, -1);
  /* Markdown is read as source: its marks line up in a fixed-width font. */
  gtk_text_view_set_monospace (self->text_view,
                               gtk_toggle_button_get_active (self->markdown_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), text != NULL);
}

static void
on_format_toggled (GtkToggleButton *button, CsDigestDialog *self)
{
  if (gtk_toggle_button_get_active (button))
    show_text (self);
}

static void
on_copy_clicked (GtkButton *button, CsDigestDialog *self)
{
  const char *text = cs_digest_dialog_get_shown_text (self);

  if (text == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_ ("Copied. Paste it where you want to share it.")));
}

static void
cs_digest_dialog_dispose (GObject *object)
{
  CsDigestDialog *self = CS_DIGEST_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_DIGEST_DIALOG);
  g_clear_object (&self->digest);

  G_OBJECT_CLASS (cs_digest_dialog_parent_class)->dispose (object);
}

static void
cs_digest_dialog_finalize (GObject *object)
{
  CsDigestDialog *self = CS_DIGEST_DIALOG (object);

  g_free (self->error_message);

  G_OBJECT_CLASS (cs_digest_dialog_parent_class)->finalize (object);
}

static void
cs_digest_dialog_class_init (CsDigestDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_digest_dialog_dispose;
  object_class->finalize = cs_digest_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-digest-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsDigestDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsDigestDialog, plain_button);
  gtk_widget_class_bind_template_child (widget_class, CsDigestDialog, markdown_button);
  gtk_widget_class_bind_template_child (widget_class, CsDigestDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, CsDigestDialog, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_format_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_digest_dialog_init (CsDigestDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CsDigestDialog *
cs_digest_dialog_new (GtkWindow *parent, CsStore *store, GDateTime *now)
{
  CsDigestDialog *self;
  g_autoptr (GDateTime) week_start = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  self = g_object_new (CS_TYPE_DIGEST_DIALOG, "transient-for", parent, NULL);
  week_start = cs_digest_week_start (now);
  self->digest = cs_digest_new_for_week (store, week_start, &error);
  if (self->digest == NULL)
    /* Translators: %s says why the digest could not be made. */
    self->error_message = g_strdup_printf (_ ("The digest could not be made: %s"), error->message);
  show_text (self);

  return self;
}

const char *
cs_digest_dialog_get_shown_text (CsDigestDialog *self)
{
  g_return_val_if_fail (CS_IS_DIGEST_DIALOG (self), NULL);

  if (self->digest == NULL)
    return NULL;

  return gtk_toggle_button_get_active (self->markdown_button)
           ? cs_digest_get_markdown (self->digest)
           : cs_digest_get_text (self->digest);
}
