pipeline {
    agent any
    stages {
        stage('build') {
            when {
                changelog '{"user_id" : 24}'
            }
            steps {
                echo 'hi'
            }
        }
    }
}
