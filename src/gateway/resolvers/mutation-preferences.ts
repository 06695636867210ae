/** putChannelMembershipPreferences: the viewer's own settings on one of its memberships. */
import { PutChannelMembershipPreferencesCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext, requireViewer } from '../context';
import { MutationResolvers } from '../generated/resolvers-types';
import { channelArnOfId, checkPushNotificationPreferences } from '../input-limits';
import { preferencesOf } from './channel-membership';
import { identityModel } from './models';

type PreferenceMutations = Pick<Required<MutationResolvers<GatewayContext>>, 'putChannelMembershipPreferences'>;

/** Preference mutations. */
export const preferenceMutations: PreferenceMutations = {
  putChannelMembershipPreferences: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const push = input.preferences.pushNotifications;
    if (push) checkPushNotificationPreferences('input.preferences.pushNotifications', push.allowNotifications, push.filterRule);
    // Chime lets members set their own preferences only, so the member is always the viewer.
    const memberArn = requireViewer(context).userArn;
    const out = await context.upstream.messaging(PutChannelMembershipPreferencesCommand, {
      ChannelArn: channelArn,
      MemberArn: memberArn,
      Preferences: push ? { PushNotifications: { AllowNotifications: push.allowNotifications, FilterRule: push.filterRule ?? undefined } } : {},
    });
    const preferences = out.Preferences ?? {};
    context.loaders.preferences.clear({ channelArn, memberArn }).prime({ channelArn, memberArn }, preferences);
    return {
      clientMutationId: input.clientMutationId,
      membership: { kind: 'ChannelMembership', channelArn, member: identityModel(memberArn) },
      preferences: preferencesOf(preferences),
    };
  },
};
