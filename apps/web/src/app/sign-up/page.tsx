import { AuthForm } from '../../components/AuthForm';

export const metadata = { title: 'Sign up · Todo' };

export default function SignUpPage() {
  return <AuthForm mode="sign-up" />;
}
