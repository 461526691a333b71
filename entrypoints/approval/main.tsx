import { render } from 'preact';
import '@/src/ui/theme.css';
import '@/src/ui/approval/approval.css';
import { ApprovalApp } from '@/src/ui/approval/ApprovalApp';

const origin = new URLSearchParams(location.search).get('origin') ?? '';
render(<ApprovalApp origin={origin} />, document.getElementById('app')!);
