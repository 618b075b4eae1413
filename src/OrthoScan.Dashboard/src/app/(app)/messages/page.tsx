'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function MessagesPage() {
  return <ComingSoon title="Messages" icon="messages" description="Conversations with your patients will live here, with message templates for the most common replies." />;
}
