pipeline {
    agent any
    stages {
        stage('build') {
            when {
                branch('main') {
                    tag 'v*'
                }
            }
            steps {
                echo 'hi'
            }
        }
    }
}
