pipeline {
    agent any
    environment {
        TOKEN = credentials(env.TOKEN_ID)
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
