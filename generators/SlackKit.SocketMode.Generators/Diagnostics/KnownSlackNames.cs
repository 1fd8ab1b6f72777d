using System;
using System.Collections.Generic;
using System.Linq;

namespace SlackKit.SocketMode.Generators.Diagnostics
{
    /// <summary>The Events API event types and interaction types Slack sends (from api.slack.com/events and /interactivity).</summary>
    internal static class KnownSlackNames
    {
        public static readonly HashSet<string> EventTypes = new(StringComparer.Ordinal)
        {
            "app_home_opened", "app_mention", "app_rate_limited", "app_requested", "app_uninstalled",
            "call_rejected", "channel_archive", "channel_created", "channel_deleted", "channel_history_changed",
            "channel_id_changed", "channel_left", "channel_rename", "channel_shared", "channel_unarchive",
            "channel_unshared", "dnd_updated", "dnd_updated_user", "email_domain_changed", "emoji_changed",
            "file_change", "file_comment_deleted", "file_created", "file_deleted", "file_public", "file_shared",
            "file_unshared", "function_executed", "grid_migration_finished", "grid_migration_started",
            "group_archive", "group_close", "group_deleted", "group_history_changed", "group_left", "group_open",
            "group_rename", "group_unarchive", "im_close", "im_created", "im_history_changed", "im_open",
            "invite_requested", "link_shared", "member_joined_channel", "member_left_channel", "message",
            "message_metadata_deleted", "message_metadata_posted", "message_metadata_updated", "pin_added",
            "pin_removed", "reaction_added", "reaction_removed", "shared_channel_invite_accepted",
            "shared_channel_invite_approved", "shared_channel_invite_declined", "shared_channel_invite_received",
            "star_added", "star_removed", "subteam_created", "subteam_members_changed", "subteam_self_added",
            "subteam_self_removed", "subteam_updated", "team_access_granted", "team_access_revoked",
            "team_domain_change", "team_join", "team_rename", "tokens_revoked", "user_change",
            "user_huddle_changed", "user_profile_changed", "user_status_changed", "workflow_deleted",
            "workflow_published", "workflow_step_deleted", "workflow_step_execute", "workflow_unpublished",
        };

        public static readonly HashSet<string> InteractionTypes = new(StringComparer.Ordinal)
        {
            "block_actions", "block_suggestion", "dialog_cancellation", "dialog_submission", "interactive_message",
            "message_action", "shortcut", "view_closed", "view_submission", "workflow_step_edit",
        };

        /// <summary>The known name closest to <paramref name="name"/>, when a typo away (edit distance 2 or less).</summary>
        public static string? Closest(string name, IEnumerable<string> known) =>
            known.Select(k => (Name: k, Distance: Distance(name, k)))
                .Where(k => k.Distance <= 2)
                .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal)
                .Select(k => k.Name)
                .FirstOrDefault();

        private static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }
    }
}
